// The pages (/, /contact, /agent, /dashboard), /widgets/... and
// GET /api/v1/openapi.yaml.
#include "server/api/api.h"

#include <fmt/core.h>

#include "server/api/errors.h"
#include "server/api/openapi.h"
#include "server/api/static_files.h"

namespace kb::api {

HttpResponse Api::OpenApi() {
  HttpResponse res;
  res.content_type = "application/yaml";
  res.body = std::string(kOpenApiYaml);
  return res;
}

HttpResponse Api::StaticFile(std::string_view path, std::string_view relative) {
  if (auto res = ServeStatic(config_.widgets_dir, relative)) return *res;
  return ErrorResponse(ApiError::kNotFound, fmt::format("no file {}", path));
}

}  // namespace kb::api
