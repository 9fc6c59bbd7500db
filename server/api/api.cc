#include "server/api/api.h"

#include <chrono>

#include <fmt/core.h>

#include "indexer/base/time.h"
#include "indexer/base/utf8.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "server/api/errors.h"

namespace kb::api {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Api::Api(ServerConfig config, std::unique_ptr<search::SearcherPool> pool, std::unique_ptr<analytics::EventStore> events,
         std::unique_ptr<AccessLog> log)
    : config_(std::move(config)),
      pool_(std::move(pool)),
      events_(std::move(events)),
      reindex_([this] { (void)pool_->Reload(); }),
      window_ms_(*ParseDurationMs(config_.attribution_window)),
      limiter_(config_.requests_per_second, config_.burst),
      cache_(static_cast<std::size_t>(std::max(0, config_.cache_entries))),
      log_(std::move(log)) {
  if (config_.retention_days > 0) {
    retention_ = std::make_unique<analytics::RetentionPurge>(
        *events_, config_.retention_days, [this](const Error& e) { log_->Problem("purge_error", e.message()); });
  }
}

Api::~Api() {
  retention_.reset();
  Flush();
}

Result<std::unique_ptr<Api>> Api::Create(const ServerConfig& config) {
  search::SearcherOptions options;
  options.index_paths = {config.index_path};
  options.default_locale = config.default_locale;
  options.dictionary_dir = config.dictionary_dir;
  // A word list that exists but cannot be read stops the start, not a
  // search later.
  const std::string words = text::WordListPath(config.dictionary_dir, text::LanguageOf(config.default_locale));
  if (auto list = text::SharedWordList(words); !list) return Fail(list.error());
  auto pool = search::SearcherPool::Open(options);
  if (!pool) return Fail(pool.error());
  if (auto w = ParseDurationMs(config.attribution_window); !w) return Fail(w.error());
  auto events = analytics::OpenSqliteEventStore(config.events_path);
  if (!events) return Fail(events.error());
  auto log = AccessLog::Open(config.access_log);
  if (!log) return Fail(log.error());
  return std::unique_ptr<Api>(new Api(config, std::move(*pool), std::move(*events), std::move(*log)));
}

void Api::Flush() {
  (void)events_->Flush();
  log_->Flush();
}

HttpResponse Api::Handle(const HttpRequest& request) {
  const auto start = Clock::now();
  Route route = Route::kUnmatched;
  HttpResponse res;
  try {
    res = Dispatch(request, route);
  } catch (const std::exception& e) {
    res = ErrorResponse(ApiError::kInternal, "internal error");
  }
  const std::string origin = request.Header("origin");
  if (OriginAllowed(origin, config_.allowed_origins)) {
    res.headers.emplace_back("Access-Control-Allow-Origin", origin);
    res.headers.emplace_back("Vary", "Origin");
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics_.Record(route, res.status, seconds);
  log_->Request(request, route, res.status, seconds);
  return res;
}

HttpResponse Api::Dispatch(const HttpRequest& request, Route& route) {
  // Text we cannot read is refused before anything looks at it.
  if (FindInvalidUtf8(request.path)) return ErrorResponse(ApiError::kInvalidUtf8, "the path is not valid UTF-8");
  for (const auto& [key, value] : request.params) {
    if (FindInvalidUtf8(key) || FindInvalidUtf8(value)) {
      return ErrorResponse(ApiError::kInvalidUtf8,
                           fmt::format("parameter '{}' is not valid UTF-8", FindInvalidUtf8(key) ? "?" : key));
    }
  }

  if (request.method == "OPTIONS") {  // CORS preflight; Handle adds the origin
    route = Route::kPreflight;
    HttpResponse res;
    res.status = 204;
    res.content_type.clear();
    if (OriginAllowed(request.Header("origin"), config_.allowed_origins)) {
      res.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return res;
  }

  const std::string& path = request.path;
  const bool operational = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!operational) {
    if (const int wait_s = limiter_.Take(request.client); wait_s > 0) {
      route = Route::kRateLimited;
      HttpResponse res = ErrorResponse(ApiError::kRateLimited,
                                       fmt::format("too many requests; try again in {} s", wait_s));
      res.headers.emplace_back("Retry-After", std::to_string(wait_s));
      return res;
    }
  }
  if (request.body.size() > config_.max_body_bytes) {
    return ErrorResponse(ApiError::kBodyTooLarge, fmt::format("the body is {} bytes; the limit is {}",
                                                              request.body.size(), config_.max_body_bytes));
  }

  // The help desk's webhook carries its own shared secret, not an API key.
  if (path == "/api/v1/webhooks/ticket") {
    route = Route::kTicketWebhook;
    if (request.method != "POST") {
      HttpResponse res = ErrorResponse(ApiError::kMethodNotAllowed,
                                       fmt::format("{} {} is not supported; use POST", request.method, path));
      res.headers.emplace_back("Allow", "POST");
      return res;
    }
    return TicketWebhook(request);
  }

  // Keys: none means public; a known key opens internal articles (and,
  // for admin keys, the admin endpoints); an unknown key is refused.
  const std::string key = BearerKey(request.Header("authorization"));
  const bool is_admin = KeyMatches(key, config_.admin_keys);
  const bool is_agent = is_admin || KeyMatches(key, config_.agent_keys);
  if (!request.Header("authorization").empty() && !is_agent) {
    return ErrorResponse(ApiError::kUnauthorized, "unknown API key");
  }
  const search::Audience audience = is_agent ? search::Audience::kAgent : search::Audience::kPublic;

  auto only = [&](const char* method) -> std::optional<HttpResponse> {
    if (request.method == method) return std::nullopt;
    HttpResponse res = ErrorResponse(ApiError::kMethodNotAllowed,
                                     fmt::format("{} {} is not supported; use {}", request.method, path, method));
    res.headers.emplace_back("Allow", method);
    return res;
  };

  if (path == "/healthz") {
    route = Route::kHealthz;
    if (auto r = only("GET")) return *r;
    return Healthz();
  }
  if (path == "/readyz") {
    route = Route::kReadyz;
    if (auto r = only("GET")) return *r;
    return Ready();
  }
  if (path == "/metrics") {
    route = Route::kMetrics;
    if (auto r = only("GET")) return *r;
    return MetricsPage();
  }
  if (path == "/api/v1/search") {
    route = Route::kSearch;
    if (auto r = only("GET")) return *r;
    return Search(request, audience);
  }
  if (path == "/api/v1/suggest") {
    route = Route::kSuggest;
    if (auto r = only("GET")) return *r;
    return Suggest(request, audience);
  }
  constexpr std::string_view kArticles = "/api/v1/articles/";
  if (path.starts_with(kArticles)) {
    route = Route::kArticle;
    if (auto r = only("GET")) return *r;
    return Article(request, path.substr(kArticles.size()), audience);
  }
  if (path == "/api/v1/openapi.yaml") {
    route = Route::kOpenApi;
    if (auto r = only("GET")) return *r;
    return OpenApi();
  }
  if (path == "/api/v1/admin/reload") {
    route = Route::kAdminReload;
    if (auto r = only("POST")) return *r;
    if (!is_admin) return ErrorResponse(ApiError::kUnauthorized, "this endpoint needs an admin key");
    return Reload();
  }
  constexpr std::string_view kReindex = "/api/v1/admin/reindex";
  if (path == kReindex || path.starts_with(std::string(kReindex) + "/")) {
    route = Route::kAdminReindex;
    const bool start = path == kReindex;
    if (auto r = only(start ? "POST" : "GET")) return *r;
    if (!is_admin) return ErrorResponse(ApiError::kUnauthorized, "this endpoint needs an admin key");
    return start ? StartReindex(request) : ReindexStatus(path.substr(kReindex.size() + 1));
  }
  if (path == "/api/v1/events") {
    route = Route::kEvents;
    if (auto r = only("POST")) return *r;
    return PostEvents(request);
  }
  if (path == "/api/v1/analytics/summary" || path == "/api/v1/analytics/timeseries") {
    const bool summary = path == "/api/v1/analytics/summary";
    route = summary ? Route::kAnalyticsSummary : Route::kAnalyticsTimeseries;
    if (auto r = only("GET")) return *r;
    if (!is_admin) return ErrorResponse(ApiError::kUnauthorized, "this endpoint needs an admin key");
    return summary ? AnalyticsSummary(request) : AnalyticsTimeseries(request);
  }
  // The pages: the demo help center, its contact form, the agent console
  // and the analytics dashboard, all from the widgets directory.
  static const std::pair<std::string_view, std::string_view> kPages[] = {
      {"/", "index.html"}, {"/contact", "contact.html"}, {"/agent", "agent.html"}, {"/dashboard", "dashboard.html"}};
  for (const auto& [page, file] : kPages) {
    if (path != page) continue;
    route = Route::kStatic;
    std::string_view serve = file;
    if (path == "/contact" && request.method == "POST") {
      serve = "contact-sent.html";  // the demo's ticket form: a thank-you page, nothing is stored
    } else if (auto r = only("GET")) {
      return *r;
    }
    return StaticFile(path, serve);
  }
  constexpr std::string_view kWidgets = "/widgets/";
  if (path.starts_with(kWidgets)) {
    route = Route::kStatic;
    if (auto r = only("GET")) return *r;
    return StaticFile(path, std::string_view(path).substr(kWidgets.size()));
  }
  return ErrorResponse(ApiError::kNotFound, fmt::format("no route {}", path));
}

}  // namespace kb::api
