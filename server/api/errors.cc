#include "server/api/errors.h"

#include <nlohmann/json.hpp>

namespace kb::api {

const ApiErrorInfo& InfoOf(ApiError error) {
  static const ApiErrorInfo kTable[] = {
      {"invalid_query", 400},  {"query_too_long", 400}, {"invalid_parameter", 400},  {"invalid_utf8", 400},
      {"invalid_events", 400}, {"body_too_large", 400}, {"unauthorized", 401},   {"not_found", 404},          {"method_not_allowed", 405},
      {"conflict", 409},
      {"rate_limited", 429},   {"internal", 500},       {"unavailable", 503},
  };
  return kTable[static_cast<int>(error)];
}

HttpResponse ErrorResponse(ApiError error, std::string_view message) {
  const ApiErrorInfo& info = InfoOf(error);
  HttpResponse res;
  res.status = info.status;
  nlohmann::json body = {{"error", {{"code", info.code}, {"message", message}}}};
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

HttpResponse ErrorResponse(ApiError error, std::string_view message, std::string_view details_json) {
  const ApiErrorInfo& info = InfoOf(error);
  HttpResponse res;
  res.status = info.status;
  nlohmann::json body = {{"error", {{"code", info.code},
                                    {"message", message},
                                    {"details", nlohmann::json::parse(details_json, nullptr, false)}}}};
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

ApiError ApiErrorFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return ApiError::kInvalidParameter;
    case ErrorCode::kNotFound: return ApiError::kNotFound;
    case ErrorCode::kUnavailable: return ApiError::kUnavailable;
    default: return ApiError::kInternal;
  }
}

}  // namespace kb::api
