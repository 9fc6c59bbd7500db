// What the handler files share: parameters parsed one way everywhere, JSON
// responses and article links. Not part of the API's interface.
#ifndef KB_SERVER_API_HANDLER_UTIL_H_
#define KB_SERVER_API_HANDLER_UTIL_H_

#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/api/http_types.h"

namespace kb::api {

using json = nlohmann::json;

// A parsed parameter, or the error response that refuses it.
template <typename T>
using Parsed = std::expected<T, HttpResponse>;

// Parameter `locale` as a canonical BCP 47 tag ("de-at" -> "de-AT"), or
// `absent` when there is none.
Parsed<std::string> LocaleParam(const HttpRequest& request, std::string absent);

// Parameter `name` as a whole number from `lo` to `hi`, or `absent` when
// there is none.
Parsed<int> IntParam(const HttpRequest& request, const std::string& name, int lo, int hi, int absent);

HttpResponse Json(const json& body, int status = 200);

// The API path of an article, e.g. /api/v1/articles/reset-password?locale=en.
std::string ArticleUrl(std::string_view id, std::string_view locale);

}  // namespace kb::api

#endif  // KB_SERVER_API_HANDLER_UTIL_H_
