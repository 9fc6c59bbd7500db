// The HTTP API as data: each route is a method, a path pattern, what it
// needs before its handler runs, the name it is counted under and the
// handler. Api::Dispatch answers 404, 405 and 401 from the table, so no
// handler checks its own method or key, and an audit can walk every route
// (Api::routes()).
#ifndef KB_SERVER_API_ROUTES_H_
#define KB_SERVER_API_ROUTES_H_

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "server/api/http_types.h"
#include "server/api/metrics.h"
#include "server/search/searcher.h"

namespace kb::api {

// What a route needs before its handler runs.
enum class Access {
  kNone,   // nothing; an agent or admin key still opens internal articles
  kAgent,  // an agent or admin key
  kAdmin,  // an admin key
  // The help desk's shared secret ([webhooks] ticket_secret) as a bearer
  // token or X-Webhook-Secret, never an API key; without a secret in the
  // config the route is off (404).
  kTicketSecret,
};
std::string_view AccessName(Access access);  // "none", "agent", "admin", "ticket_secret"

enum class RateLimit {
  kPerClient,  // counted against the client's token bucket
  kExempt,     // operators' probes, which must answer under any load
};

// What a handler is given: the request, checked as its route demands.
struct RequestContext {
  const HttpRequest& request;
  search::Audience audience;  // kAgent for agent and admin keys
  std::string_view capture;   // what the pattern's {name} matched; "" without one
  std::string_view client;    // Api::ClientOf(request)
};

using Handler = std::function<HttpResponse(const RequestContext&)>;

struct RouteSpec {
  std::string_view method;  // "GET" or "POST"
  // A path, "/api/v1/search", or a prefix ending in one {name} that captures
  // the rest of the path, '/' included and possibly empty:
  // "/api/v1/articles/{id}". The handler judges what was captured.
  std::string_view pattern;
  Access need;
  Route metric;  // counted in /metrics and the access log under this
  Handler handler;
  RateLimit limit = RateLimit::kPerClient;
};

// What `path` captures under `pattern` ("" for a plain path), or nullopt
// when it does not match.
std::optional<std::string_view> MatchPattern(std::string_view pattern, std::string_view path);

// The rows that answer a path: every row with the first pattern that
// matches it, one per method, in table order.
struct RouteMatch {
  std::vector<const RouteSpec*> rows;  // empty: no route
  std::string_view capture;

  // The row for `method`, or nullptr.
  const RouteSpec* For(std::string_view method) const;
  // The 405 for `request`, whose method no row has: "Allow: GET, POST".
  HttpResponse MethodNotAllowed(const HttpRequest& request) const;
};

RouteMatch FindRoute(const std::vector<RouteSpec>& routes, std::string_view path);

}  // namespace kb::api

#endif  // KB_SERVER_API_ROUTES_H_
