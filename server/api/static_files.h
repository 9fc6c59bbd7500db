// Files under one directory, served read-only. A path that would leave the
// directory (.., symlinks pointing out, backslashes, NUL) is never served.
#ifndef KB_SERVER_API_STATIC_FILES_H_
#define KB_SERVER_API_STATIC_FILES_H_

#include <optional>
#include <string>
#include <string_view>

#include "server/api/http_types.h"

namespace kb::api {

// The response for `relative` (a URL path below the mount point, without a
// leading '/'; "" means index.html) under `root`, or nullopt when there is
// no such file or the path is not allowed.
std::optional<HttpResponse> ServeStatic(const std::string& root, std::string_view relative);

}  // namespace kb::api

#endif  // KB_SERVER_API_STATIC_FILES_H_
