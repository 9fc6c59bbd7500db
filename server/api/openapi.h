// docs/openapi.yaml, compiled in so the server can serve it wherever it runs.
#ifndef KB_SERVER_API_OPENAPI_H_
#define KB_SERVER_API_OPENAPI_H_

#include <string_view>

namespace kb::api {

extern const std::string_view kOpenApiYaml;

}  // namespace kb::api

#endif  // KB_SERVER_API_OPENAPI_H_
