// The HTTP API, version 1, as a function from HttpRequest to HttpResponse.
// Routing, guards (UTF-8, limits, keys, rate limits, CORS), handlers, the
// result cache, metrics and the access log live here; the HTTP library only
// carries bytes (server/http/). Safe for concurrent use.
#ifndef KB_SERVER_API_API_H_
#define KB_SERVER_API_API_H_

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/analytics/event_store.h"
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
      std::FILE* log, bool own_log);

  HttpResponse Dispatch(const HttpRequest& request, Route& route);
  HttpResponse Search(const HttpRequest& request, search::Audience audience);
  HttpResponse Suggest(const HttpRequest& request, search::Audience audience);
  HttpResponse Article(const HttpRequest& request, const std::string& id, search::Audience audience);
  HttpResponse Ready();
  HttpResponse MetricsPage();
  HttpResponse Reload();
  HttpResponse StartReindex(const HttpRequest& request);
  HttpResponse ReindexStatus(const std::string& id);
  HttpResponse PostEvents(const HttpRequest& request);
  HttpResponse TicketWebhook(const HttpRequest& request);
  HttpResponse AnalyticsSummary(const HttpRequest& request);
  HttpResponse AnalyticsTimeseries(const HttpRequest& request);
  void PurgeLoop();
  void Log(const HttpRequest& request, Route route, int status, double seconds);

  ServerConfig config_;
  std::unique_ptr<search::SearcherPool> pool_;
  std::unique_ptr<analytics::EventStore> events_;
  ReindexJobs reindex_;
  std::int64_t window_ms_;
  RateLimiter limiter_;
  ResultCache cache_;
  Metrics metrics_;
  std::FILE* log_;
  bool own_log_;
  std::mutex log_mu_;
  std::string client_salt_;

  std::mutex purge_mu_;
  std::condition_variable purge_wake_;
  bool stopping_ = false;
  std::thread purger_;
};

}  // namespace kb::api

#endif  // KB_SERVER_API_API_H_
