// Plain request and response structs: the API is written against these, not
// against the HTTP library, so every handler can be tested without sockets.
#ifndef KB_SERVER_API_HTTP_TYPES_H_
#define KB_SERVER_API_HTTP_TYPES_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kb::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  std::vector<std::pair<std::string, std::string>> params;  // decoded query parameters, in order
  std::map<std::string, std::string> headers;                // names in lower case
  std::string body;
  std::string client;  // the peer address; used for rate limits, never logged raw

  // The first value of parameter `name`, or "" .
  std::string Param(const std::string& name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return {};
  }
  bool HasParam(const std::string& name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return true;
    }
    return false;
  }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace kb::api

#endif  // KB_SERVER_API_HTTP_TYPES_H_
