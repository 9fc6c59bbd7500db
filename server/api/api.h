// The HTTP API, version 1, as a function from HttpRequest to HttpResponse.
// The global guards (UTF-8, CORS, rate limits, body size, keys) run here,
// then the route table (server/api/routes.h) answers 404, 405 and 401 and
// picks a handler; the handlers live in files by area (handlers_*.cc). The
// result cache, metrics, access log and retention purge are wired together
// here; the HTTP library only carries bytes (server/http/). Safe for
// concurrent use.
#ifndef KB_SERVER_API_API_H_
#define KB_SERVER_API_API_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/analytics/event_store.h"
#include "server/analytics/retention.h"
#include "server/api/access_log.h"
#include "server/api/config.h"
#include "server/api/guards.h"
#include "server/api/http_types.h"
#include "server/api/metrics.h"
#include "server/api/reindex_jobs.h"
#include "server/api/result_cache.h"
#include "server/api/routes.h"
#include "server/learning/schedule.h"
#include "server/search/searcher_pool.h"

namespace kb::api {

class Api {
 public:
  // Opens the index, the event store and the access log named by `config`.
  static Result<std::unique_ptr<Api>> Create(const ServerConfig& config);
  // The same, with `events` as the event store instead of the SQLite file
  // that config.events_path names.
  static Result<std::unique_ptr<Api>> Create(const ServerConfig& config, std::unique_ptr<analytics::EventStore> events);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Every response carries X-Content-Type-Options, Referrer-Policy and a
  // Content-Security-Policy: HTML pages get the pages' policy (with
  // [server] frame_ancestors), everything else one that lets nothing load,
  // run or frame it.
  HttpResponse Handle(const HttpRequest& request);

  // The client `request` comes from: its peer, or behind a trusted proxy
  // the address the proxy forwarded for (TrustedProxies::ClientOf). Rate
  // limits and the access log use it.
  std::string ClientOf(const HttpRequest& request) const;

  // Writes buffered log lines and queued events out; called on shutdown.
  void Flush();

  // Every route, in the order they are matched.
  const std::vector<RouteSpec>& routes() const { return routes_; }

  search::SearcherPool& pool() { return *pool_; }
  const ServerConfig& config() const { return config_; }
  analytics::EventStore& events() { return *events_; }
  // Also counts what happens to connections (server/http).
  Metrics& metrics() { return metrics_; }

  // How a replica (config.index_primary) passes on the requests that write
  // the index: reindexing, its jobs' status, rejecting a learned phrasing.
  // The HTTP layer sets it before serving (server/http/forward.h); without
  // it, a replica answers those 503.
  using Forward = std::function<HttpResponse(const HttpRequest&)>;
  void SetPrimary(Forward forward) { primary_ = std::move(forward); }

 private:
  Api(ServerConfig config, std::unique_ptr<search::SearcherPool> pool, std::unique_ptr<analytics::EventStore> events,
      std::unique_ptr<AccessLog> log);

  std::vector<RouteSpec> MakeRoutes();
  HttpResponse Dispatch(const HttpRequest& request, const std::string& client, Route& route);
  // The 404 or 401 when the caller lacks what `need` asks for.
  std::optional<HttpResponse> Refuse(Access need, const HttpRequest& request, bool is_agent, bool is_admin) const;

  // The handlers, in files by area.
  // handlers_search.cc
  HttpResponse Search(const RequestContext& c);
  HttpResponse Suggest(const RequestContext& c);
  // handlers_articles.cc
  HttpResponse Article(const RequestContext& c);
  // handlers_events.cc
  HttpResponse PostEvents(const RequestContext& c);
  HttpResponse TicketWebhook(const RequestContext& c);
  // handlers_analytics.cc
  HttpResponse AnalyticsSummary(const RequestContext& c);
  HttpResponse AnalyticsTimeseries(const RequestContext& c);
  // handlers_admin.cc
  HttpResponse Reload(const RequestContext& c);
  // A replica's answer to a request that writes the index: its indexer's;
  // 409 on a server over remote shards without one. nullopt on a server
  // that builds its own index.
  std::optional<HttpResponse> ToPrimary(const RequestContext& c) const;
  HttpResponse StartReindex(const RequestContext& c);
  HttpResponse ReindexStatus(const RequestContext& c);
  HttpResponse ListLearned(const RequestContext& c);
  HttpResponse RejectLearned(const RequestContext& c);
  HttpResponse PromoteLearned(const RequestContext& c);
  // handlers_static.cc
  HttpResponse OpenApi(const RequestContext& c);
  HttpResponse Page(const RequestContext& c, std::string_view file);
  HttpResponse Widget(const RequestContext& c);
  // handlers_ops.cc
  HttpResponse Healthz(const RequestContext& c);
  HttpResponse Ready(const RequestContext& c);
  HttpResponse MetricsPage(const RequestContext& c);

  ServerConfig config_;
  std::unique_ptr<search::SearcherPool> pool_;
  std::unique_ptr<analytics::EventStore> events_;
  ReindexJobs reindex_;
  RateLimiter limiter_;
  ResultCache cache_;
  Metrics metrics_;
  std::unique_ptr<AccessLog> log_;
  const std::string page_policy_;  // the pages' Content-Security-Policy
  std::unique_ptr<analytics::RetentionPurge> retention_;  // null: events are kept
  std::unique_ptr<learning::LearningSchedule> learning_;  // null: [learning] enabled = false
  const std::vector<RouteSpec> routes_;
  Forward primary_;
};

}  // namespace kb::api

#endif  // KB_SERVER_API_API_H_
