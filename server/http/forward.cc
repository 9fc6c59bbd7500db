#include "server/http/forward.h"

#include <httplib.h>

#include <fmt/core.h>

#include "server/api/errors.h"

namespace kb::http {

api::Api::Forward ForwardTo(const std::string& origin) {
  return [origin](const api::HttpRequest& request) -> api::HttpResponse {
    httplib::Client client(origin);
    client.set_connection_timeout(3, 0);
    client.set_read_timeout(30, 0);
    client.set_write_timeout(10, 0);
    httplib::Params params;
    for (const auto& [k, v] : request.params) params.emplace(k, v);
    std::string path = request.path;
    if (!params.empty()) path += "?" + httplib::detail::params_to_query_str(params);
    httplib::Headers headers;
    if (auto it = request.headers.find("authorization"); it != request.headers.end()) {
      headers.emplace("Authorization", it->second);
    }
    auto type = request.headers.find("content-type");
    const std::string content_type = type == request.headers.end() ? "application/json" : type->second;
    httplib::Result res = request.method == "POST" ? client.Post(path, headers, request.body, content_type)
                                                   : client.Get(path, headers);
    if (!res) {
      return api::ErrorResponse(api::ApiError::kUnavailable,
                                fmt::format("the indexer at {} cannot be reached: {}", origin, httplib::to_string(res.error())));
    }
    api::HttpResponse out;
    out.status = res->status;
    out.body = res->body;
    out.content_type = res->get_header_value("Content-Type");
    return out;
  };
}

}  // namespace kb::http
