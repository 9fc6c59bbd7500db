#include "server/api/routes.h"

#include <fmt/core.h>

#include "server/api/errors.h"

namespace kb::api {

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kNone: return "none";
    case Access::kAgent: return "agent";
    case Access::kAdmin: return "admin";
    case Access::kTicketSecret: return "ticket_secret";
  }
  return "?";
}

std::optional<std::string_view> MatchPattern(std::string_view pattern, std::string_view path) {
  const std::size_t brace = pattern.find('{');
  if (brace == std::string_view::npos) {
    if (path != pattern) return std::nullopt;
    return std::string_view();
  }
  const std::string_view prefix = pattern.substr(0, brace);
  if (!path.starts_with(prefix)) return std::nullopt;
  return path.substr(prefix.size());
}

RouteMatch FindRoute(const std::vector<RouteSpec>& routes, std::string_view path) {
  RouteMatch match;
  for (const RouteSpec& r : routes) {
    if (!match.rows.empty()) {
      if (r.pattern == match.rows.front()->pattern) match.rows.push_back(&r);
    } else if (auto capture = MatchPattern(r.pattern, path)) {
      match.rows.push_back(&r);
      match.capture = *capture;
    }
  }
  return match;
}

const RouteSpec* RouteMatch::For(std::string_view method) const {
  for (const RouteSpec* r : rows) {
    if (r->method == method) return r;
  }
  return nullptr;
}

HttpResponse RouteMatch::MethodNotAllowed(const HttpRequest& request) const {
  std::string allow, use;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    allow += fmt::format("{}{}", i == 0 ? "" : ", ", rows[i]->method);
    use += fmt::format("{}{}", i == 0 ? "" : " or ", rows[i]->method);
  }
  HttpResponse res = ErrorResponse(ApiError::kMethodNotAllowed,
                                   fmt::format("{} {} is not supported; use {}", request.method, request.path, use));
  res.headers.emplace_back("Allow", allow);
  return res;
}

}  // namespace kb::api
