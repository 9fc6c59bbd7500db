#include "server/api/handler_util.h"

#include <cctype>

#include <fmt/core.h>

#include "indexer/article.h"
#include "server/api/errors.h"

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

Parsed<std::string> LocaleParam(const HttpRequest& request, std::string absent) {
  if (!request.HasParam("locale")) return absent;
  auto locale = CanonicalLocale(request.Param("locale"));
  if (!locale) {
    return std::unexpected(ErrorResponse(ApiError::kInvalidParameter,
                                         "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'"));
  }
  return *locale;
}

Parsed<int> IntParam(const HttpRequest& request, const std::string& name, int lo, int hi, int absent) {
  if (!request.HasParam(name)) return absent;
  const std::string s = request.Param(name);
  if (!s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos) {
    const int v = std::stoi(s);
    if (v >= lo && v <= hi) return v;
  }
  return std::unexpected(ErrorResponse(
      ApiError::kInvalidParameter, fmt::format("parameter '{}' must be a whole number from {} to {}", name, lo, hi)));
}

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
