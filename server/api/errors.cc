#include "server/api/errors.h"

#include <iterator>

#include <nlohmann/json.hpp>

namespace kb::api {

namespace {

struct Row {
  ApiError error;
  ApiErrorInfo info;
};

// In the order of the enum, one row for each code.
constexpr Row kTable[] = {
    {ApiError::kInvalidQuery, {"invalid_query", 400}},
    {ApiError::kQueryTooLong, {"query_too_long", 400}},
    {ApiError::kInvalidParameter, {"invalid_parameter", 400}},
    {ApiError::kInvalidUtf8, {"invalid_utf8", 400}},
    {ApiError::kInvalidEvents, {"invalid_events", 400}},
    {ApiError::kBodyTooLarge, {"body_too_large", 400}},
    {ApiError::kUnauthorized, {"unauthorized", 401}},
    {ApiError::kNotFound, {"not_found", 404}},
    {ApiError::kMethodNotAllowed, {"method_not_allowed", 405}},
    {ApiError::kRequestTimeout, {"request_timeout", 408}},
    {ApiError::kConflict, {"conflict", 409}},
    {ApiError::kRateLimited, {"rate_limited", 429}},
    {ApiError::kHeadersTooLarge, {"headers_too_large", 431}},
    {ApiError::kInternal, {"internal", 500}},
    {ApiError::kStorageFull, {"storage_full", 507}},
    {ApiError::kUnavailable, {"unavailable", 503}},
};

constexpr bool EveryCodeInItsRow() {
  if (std::size(kTable) != kApiErrorCount) return false;
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    if (kTable[i].error != static_cast<ApiError>(i)) return false;
  }
  return true;
}
static_assert(EveryCodeInItsRow(), "kTable needs one row per ApiError, in the order of the enum");

}  // namespace

const ApiErrorInfo& InfoOf(ApiError error) { return kTable[static_cast<std::size_t>(error)].info; }

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

HttpResponse ErrorResponse(const Error& error) {
  HttpResponse res = ErrorResponse(ApiErrorFor(error), error.message());
  // Unavailable for now (a shard or a store that does not answer): when to
  // try again.
  if (error.code() == ErrorCode::kUnavailable) res.headers.emplace_back("Retry-After", std::to_string(kRetryAfterS));
  return res;
}

ApiError ApiErrorFor(const Error& error) {
  // No default: a new ErrorCode is a -Wswitch warning here until mapped.
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return ApiError::kInvalidParameter;
    case ErrorCode::kNotFound: return ApiError::kNotFound;
    case ErrorCode::kFailedPrecondition: return ApiError::kConflict;
    case ErrorCode::kUnavailable: return ApiError::kUnavailable;
    case ErrorCode::kResourceExhausted: return ApiError::kStorageFull;
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal: return ApiError::kInternal;
  }
  return ApiError::kInternal;
}

}  // namespace kb::api
