#include "server/api/api.h"

#include <chrono>

#include <fmt/core.h>

#include "indexer/base/caught.h"
#include "indexer/base/time.h"
#include "indexer/base/utf8.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "indexer/writer/index_writer.h"
#include "server/api/errors.h"

namespace kb::api {

namespace {

using Clock = std::chrono::steady_clock;

// The Content-Security-Policy of anything that is not an HTML page (JSON,
// YAML, scripts, styles): nothing in it may load or run, nor be framed.
constexpr std::string_view kNonPagePolicy = "default-src 'none'; frame-ancestors 'none'";

// The pages' policy: scripts, styles, images and API calls from this server
// only, no inline script or style, and frames only by `frame_ancestors`.
std::string PagePolicy(const std::vector<std::string>& frame_ancestors) {
  std::string sources;
  for (const std::string& s : frame_ancestors) sources += (sources.empty() ? "" : " ") + s;
  return fmt::format("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {}",
                     sources);
}

}  // namespace

// The routes. Patterns do not overlap, so their order only sets the order
// of an audit's listing. Rows that share a pattern (one per method) must
// agree on need, metric and rate limit: those are checked before the method.
std::vector<RouteSpec> Api::MakeRoutes() {
  auto to = [this](HttpResponse (Api::*handler)(const RequestContext&)) -> Handler {
    return [this, handler](const RequestContext& c) { return (this->*handler)(c); };
  };
  auto page = [this](std::string_view file) -> Handler {
    return [this, file](const RequestContext& c) { return Page(c, file); };
  };
  using enum Access;
  constexpr RateLimit kExempt = RateLimit::kExempt;
  return {
      {"GET", "/healthz", kNone, Route::kHealthz, to(&Api::Healthz), kExempt},
      {"GET", "/readyz", kNone, Route::kReadyz, to(&Api::Ready), kExempt},
      {"GET", "/metrics", kNone, Route::kMetrics, to(&Api::MetricsPage), kExempt},
      {"GET", "/api/v1/search", kNone, Route::kSearch, to(&Api::Search)},
      {"GET", "/api/v1/suggest", kNone, Route::kSuggest, to(&Api::Suggest)},
      {"GET", "/api/v1/articles/{id}", kNone, Route::kArticle, to(&Api::Article)},
      {"GET", "/api/v1/openapi.yaml", kNone, Route::kOpenApi, to(&Api::OpenApi)},
      {"POST", "/api/v1/events", kNone, Route::kEvents, to(&Api::PostEvents)},
      {"POST", "/api/v1/webhooks/ticket", kTicketSecret, Route::kTicketWebhook, to(&Api::TicketWebhook)},
      {"GET", "/api/v1/analytics/summary", kAdmin, Route::kAnalyticsSummary, to(&Api::AnalyticsSummary)},
      {"GET", "/api/v1/analytics/timeseries", kAdmin, Route::kAnalyticsTimeseries, to(&Api::AnalyticsTimeseries)},
      {"POST", "/api/v1/admin/reload", kAdmin, Route::kAdminReload, to(&Api::Reload)},
      {"POST", "/api/v1/admin/reindex", kAdmin, Route::kAdminReindex, to(&Api::StartReindex)},
      {"GET", "/api/v1/admin/reindex/{job}", kAdmin, Route::kAdminReindex, to(&Api::ReindexStatus)},
      {"GET", "/api/v1/admin/learned", kAdmin, Route::kAdminLearned, to(&Api::ListLearned)},
      {"POST", "/api/v1/admin/learned/reject", kAdmin, Route::kAdminLearned, to(&Api::RejectLearned)},
      {"POST", "/api/v1/admin/learned/promote", kAdmin, Route::kAdminLearned, to(&Api::PromoteLearned)},
      // The pages: the demo help center, its contact form, the agent console
      // and the analytics dashboard, all from the widgets directory.
      {"GET", "/", kNone, Route::kStatic, page("index.html")},
      {"GET", "/contact", kNone, Route::kStatic, page("contact.html")},
      // The demo's ticket form: a thank-you page, nothing is stored.
      {"POST", "/contact", kNone, Route::kStatic, page("contact-sent.html")},
      {"GET", "/agent", kNone, Route::kStatic, page("agent.html")},
      {"GET", "/dashboard", kNone, Route::kStatic, page("dashboard.html")},
      {"GET", "/widgets/{path}", kNone, Route::kStatic, to(&Api::Widget)},
  };
}

Api::Api(ServerConfig config, std::unique_ptr<search::SearcherPool> pool, std::unique_ptr<analytics::EventStore> events,
         std::unique_ptr<AccessLog> log)
    : config_(std::move(config)),
      pool_(std::move(pool)),
      events_(std::move(events)),
      reindex_([this] { (void)pool_->Reload(); }),
      limiter_(config_.requests_per_second, config_.burst),
      cache_(static_cast<std::size_t>(std::max(0, config_.cache_entries))),
      log_(std::move(log)),
      page_policy_(PagePolicy(config_.frame_ancestors)),
      routes_(MakeRoutes()) {
  if (config_.retention_days > 0) {
    retention_ = std::make_unique<analytics::RetentionPurge>(
        *events_, config_.retention_days, [this](const Error& e) { log_->Problem("purge_error", e.message()); });
  }
  // A replica's indexer learns for it; remote shards are rebuilt with
  // kb-index, not changed in place.
  if (config_.learning_enabled && config_.index_primary.empty() && config_.index_shards.empty()) {
    learning::LearningOptions options;
    options.min_clients = config_.learning_min_clients;
    options.half_life_ms = config_.learning_half_life.count();
    learning_ = std::make_unique<learning::LearningSchedule>(
        *events_, config_.index_path, options, config_.learning_interval, nullptr,
        [this](const Error& e) { log_->Problem("learning_error", e.message()); });
  }
}

Api::~Api() {
  learning_.reset();
  retention_.reset();
  Flush();
}

Result<std::unique_ptr<Api>> Api::Create(const ServerConfig& config) {
  auto events = analytics::OpenEventStore(config.events_url.empty() ? config.events_path : config.events_url);
  if (!events) return Fail(events.error());
  return Create(config, std::move(*events));
}

Result<std::unique_ptr<Api>> Api::Create(const ServerConfig& config, std::unique_ptr<analytics::EventStore> events) {
  search::SearcherOptions options;
  options.index_paths = {config.index_path};
  if (!config.index_shards.empty()) {
    options.index_paths = {LexiconPath(config.index_path)};
    options.index_paths.insert(options.index_paths.end(), config.index_shards.begin(), config.index_shards.end());
    options.shard_timeout = config.shard_timeout;
    options.partial_results = config.shard_partial;
    options.shard_health = std::make_shared<search::ShardHealth>();
  }
  options.default_locale = config.default_locale;
  options.dictionary_dir = config.dictionary_dir;
  options.ranking.learned = config.learning_enabled;
  // A word list that exists but cannot be read stops the start, not a
  // search later.
  const std::string words = text::WordListPath(config.dictionary_dir, text::LanguageOf(config.default_locale));
  if (auto list = text::SharedWordList(words); !list) return Fail(list.error());
  auto pool = search::SearcherPool::Open(options);
  if (!pool) return Fail(pool.error());
  auto log = AccessLog::Open(config.access_log);
  if (!log) return Fail(log.error());
  return std::unique_ptr<Api>(new Api(config, std::move(*pool), std::move(events), std::move(*log)));
}

void Api::Flush() {
  (void)events_->Flush();
  log_->Flush();
}

HttpResponse Api::Handle(const HttpRequest& request) {
  const auto start = Clock::now();
  Route route = Route::kUnmatched;
  const std::string client = ClientOf(request);
  HttpResponse res;
  try {
    res = Dispatch(request, client, route);
  } catch (...) {
    // Whatever a library threw: the client gets the API's 500 (which says
    // nothing of it), the log says what it was.
    log_->Problem("handler_error", CaughtError(RouteName(route)).message());
    res = ErrorResponse(ApiError::kInternal, "internal error");
  }
  const std::string origin = request.Header("origin");
  if (OriginAllowed(origin, config_.allowed_origins)) {
    res.headers.emplace_back("Access-Control-Allow-Origin", origin);
    res.headers.emplace_back("Vary", "Origin");
  }
  // Every response: no content sniffing, no referrer to other sites, and a
  // CSP (the pages' own, or one that lets nothing run).
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  res.headers.emplace_back("Content-Security-Policy",
                           res.content_type.starts_with("text/html") ? page_policy_ : std::string(kNonPagePolicy));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics_.Record(route, res.status, seconds);
  log_->Request(request, client, route, res.status, seconds);
  return res;
}

std::string Api::ClientOf(const HttpRequest& request) const {
  return config_.trusted_proxies.ClientOf(request.client, request.Header("x-forwarded-for"), request.Header("forwarded"));
}

HttpResponse Api::Dispatch(const HttpRequest& request, const std::string& client, Route& route) {
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

  const RouteMatch match = FindRoute(routes_, request.path);
  const RouteSpec* const resource = match.rows.empty() ? nullptr : match.rows.front();
  if (resource == nullptr || resource->limit == RateLimit::kPerClient) {
    if (const int wait_s = limiter_.Take(client); wait_s > 0) {
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

  // Keys: none means public; a known key opens internal articles (and,
  // for admin keys, the admin endpoints); an unknown key is refused. A
  // route with its own secret gets no API key: its Authorization header
  // carries that secret.
  const bool api_keys = resource == nullptr || resource->need != Access::kTicketSecret;
  const std::string key = api_keys ? BearerKey(request.Header("authorization")) : std::string();
  const bool is_admin = KeyMatches(key, config_.admin_keys);
  const bool is_agent = is_admin || KeyMatches(key, config_.agent_keys);
  if (api_keys && !request.Header("authorization").empty() && !is_agent) {
    return ErrorResponse(ApiError::kUnauthorized, "unknown API key");
  }

  if (resource == nullptr) return ErrorResponse(ApiError::kNotFound, fmt::format("no route {}", request.path));
  route = resource->metric;
  const RouteSpec* const spec = match.For(request.method);
  if (spec == nullptr) return match.MethodNotAllowed(request);
  if (auto refused = Refuse(spec->need, request, is_agent, is_admin)) return *refused;
  const search::Audience audience = is_agent ? search::Audience::kAgent : search::Audience::kPublic;
  return spec->handler(RequestContext{.request = request, .audience = audience, .capture = match.capture, .client = client});
}

std::optional<HttpResponse> Api::Refuse(Access need, const HttpRequest& request, bool is_agent, bool is_admin) const {
  switch (need) {
    case Access::kNone: return std::nullopt;
    case Access::kAgent:
      if (is_agent) return std::nullopt;
      return ErrorResponse(ApiError::kUnauthorized, "this endpoint needs an agent key");
    case Access::kAdmin:
      if (is_admin) return std::nullopt;
      return ErrorResponse(ApiError::kUnauthorized, "this endpoint needs an admin key");
    case Access::kTicketSecret: {
      if (config_.ticket_secret.empty()) {
        return ErrorResponse(ApiError::kNotFound, "the ticket webhook is off: set [webhooks] ticket_secret in the config");
      }
      std::string secret = BearerKey(request.Header("authorization"));
      if (secret.empty()) secret = request.Header("x-webhook-secret");
      if (KeyMatches(secret, {config_.ticket_secret})) return std::nullopt;
      return ErrorResponse(ApiError::kUnauthorized, "the webhook secret is missing or wrong");
    }
  }
  return ErrorResponse(ApiError::kInternal, "internal error");
}

}  // namespace kb::api
