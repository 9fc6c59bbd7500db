// The HTTP API, version 1, as a function from HttpRequest to HttpResponse.
// Routing, guards (UTF-8, limits, keys, rate limits, CORS), handlers, the
// result cache, metrics and the access log live here; the HTTP library only
// carries bytes (server/http/). Safe for concurrent use.
#ifndef KB_SERVER_API_API_H_
#define KB_SERVER_API_API_H_

#include <memory>
#include <string>

#include "server/analytics/event_store.h"
#include "server/analytics/retention.h"
#include "server/api/access_log.h"
#include "server/api/config.h"
#include "server/api/guards.h"
#include "server/api/http_types.h"
#include "server/api/metrics.h"
#include "server/api/reindex_jobs.h"
#include "server/api/result_cache.h"
#include "server/search/searcher_pool.h"

namespace kb::api {

class Api {
 public:
  // Opens the index, the event store and the access log named by `config`.
  static Result<std::unique_ptr<Api>> Create(const ServerConfig& config);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  HttpResponse Handle(const HttpRequest& request);

  // Writes buffered log lines and queued events out; called on shutdown.
  void Flush();

  search::SearcherPool& pool() { return *pool_; }
  const ServerConfig& config() const { return config_; }
  analytics::EventStore& events() { return *events_; }

 private:
  Api(ServerConfig config, std::unique_ptr<search::SearcherPool> pool, std::unique_ptr<analytics::EventStore> events,
      std::unique_ptr<AccessLog> log);

  HttpResponse Dispatch(const HttpRequest& request, Route& route);

  // The handlers, in files by area: handlers_search.cc, handlers_articles.cc,
  // handlers_events.cc, handlers_analytics.cc, handlers_admin.cc,
  // handlers_static.cc and handlers_ops.cc.
  HttpResponse Search(const HttpRequest& request, search::Audience audience);
  HttpResponse Suggest(const HttpRequest& request, search::Audience audience);
  HttpResponse Article(const HttpRequest& request, const std::string& id, search::Audience audience);
  HttpResponse Healthz();
  HttpResponse Ready();
  HttpResponse MetricsPage();
  HttpResponse Reload();
  HttpResponse StartReindex(const HttpRequest& request);
  HttpResponse ReindexStatus(const std::string& id);
  HttpResponse PostEvents(const HttpRequest& request);
  HttpResponse TicketWebhook(const HttpRequest& request);
  HttpResponse AnalyticsSummary(const HttpRequest& request);
  HttpResponse AnalyticsTimeseries(const HttpRequest& request);
  HttpResponse OpenApi();
  // `relative` (a path below the widgets directory) for the request `path`.
  HttpResponse StaticFile(std::string_view path, std::string_view relative);

  ServerConfig config_;
  std::unique_ptr<search::SearcherPool> pool_;
  std::unique_ptr<analytics::EventStore> events_;
  ReindexJobs reindex_;
  std::int64_t window_ms_;
  RateLimiter limiter_;
  ResultCache cache_;
  Metrics metrics_;
  std::unique_ptr<AccessLog> log_;
  std::unique_ptr<analytics::RetentionPurge> retention_;  // null: events are kept
};

}  // namespace kb::api

#endif  // KB_SERVER_API_API_H_
