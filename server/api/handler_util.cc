#include "server/api/handler_util.h"

#include <cctype>

#include <fmt/core.h>

namespace kb::api {

namespace {

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

HttpResponse Json(const json& body, int status) {
  HttpResponse res;
  res.status = status;
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

std::string ArticleUrl(std::string_view id, std::string_view locale) {
  std::string url = "/api/v1/articles/" + PercentEncode(id);
  if (!locale.empty()) url += "?locale=" + PercentEncode(locale);
  return url;
}

}  // namespace kb::api
