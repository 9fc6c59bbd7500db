// What the handler files share: JSON responses and article links. Not part
// of the API's interface.
#ifndef KB_SERVER_API_HANDLER_UTIL_H_
#define KB_SERVER_API_HANDLER_UTIL_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/api/http_types.h"

namespace kb::api {

using json = nlohmann::json;

HttpResponse Json(const json& body, int status = 200);

// The API path of an article, e.g. /api/v1/articles/reset-password?locale=en.
std::string ArticleUrl(std::string_view id, std::string_view locale);

}  // namespace kb::api

#endif  // KB_SERVER_API_HANDLER_UTIL_H_
