// The pages (/, /contact, /agent, /dashboard), /widgets/... and
// GET /api/v1/openapi.yaml.
#include "server/api/api.h"

#include <fmt/core.h>

#include "server/api/errors.h"
#include "server/api/openapi.h"
#include "server/api/static_files.h"

namespace kb::api {

HttpResponse Api::OpenApi(const RequestContext&) {
  HttpResponse res;
  res.content_type = "application/yaml";
  res.body = std::string(kOpenApiYaml);
  return res;
}

namespace {

// `relative`, a path below `root`, for a request for `path`.
HttpResponse File(const std::string& root, std::string_view relative, std::string_view path) {
  if (auto res = ServeStatic(root, relative)) return *res;
  return ErrorResponse(ApiError::kNotFound, fmt::format("no file {}", path));
}

}  // namespace

HttpResponse Api::Page(const RequestContext& c, std::string_view file) {
  return File(config_.widgets_dir, file, c.request.path);
}

HttpResponse Api::Widget(const RequestContext& c) { return File(config_.widgets_dir, c.capture, c.request.path); }

}  // namespace kb::api
