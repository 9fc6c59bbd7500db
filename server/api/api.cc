#include "server/api/api.h"

#include <chrono>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/ids.h"
#include "indexer/base/strings.h"
#include "indexer/base/utf8.h"
#include "indexer/article.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "server/analytics/summary.h"
#include "server/api/errors.h"
#include "server/api/markdown_html.h"
#include "server/api/openapi.h"
#include "server/api/static_files.h"

namespace kb::api {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kMaxPerPage = 50;
constexpr int kMaxPage = 1000;
constexpr int kMaxSuggestions = 10;

HttpResponse Json(const json& body, int status = 200) {
  HttpResponse res;
  res.status = status;
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string ArticleUrl(std::string_view id, std::string_view locale) {
  std::string url = "/api/v1/articles/" + PercentEncode(id);
  if (!locale.empty()) url += "?locale=" + PercentEncode(locale);
  return url;
}

// Parses a whole number in [lo, hi]; nullopt otherwise.
std::optional<int> ParseInt(const std::string& s, int lo, int hi) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int v = std::stoi(s);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::vector<std::string> SplitTags(const std::string& s) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string tag = s.substr(start, end - start);
    while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (!tag.empty()) tags.push_back(std::move(tag));
    start = end + 1;
  }
  return tags;
}

// The checks shared by search and suggest on `q`: UTF-8 was checked before.
std::optional<HttpResponse> CheckQueryLength(const std::string& q, int max_chars) {
  const std::size_t n = Utf8Length(q);
  if (n > static_cast<std::size_t>(max_chars)) {
    return ErrorResponse(ApiError::kQueryTooLong,
                         fmt::format("query is {} characters long; the limit is {}", n, max_chars));
  }
  return std::nullopt;
}

// The part of a search response that depends only on the results: the
// members after query_id, query and took_ms, without the braces.
std::string ResultsJson(const search::SearchResponse& response, int page, int per_page) {
  json results = json::array();
  for (const search::SearchHit& h : response.hits) {
    results.push_back({{"id", h.id},
                       {"title", h.title},
                       {"snippet", h.snippet},
                       {"url", ArticleUrl(h.id, h.locale)},
                       {"score", h.score},
                       {"locale", h.locale},
                       {"category", h.category},
                       {"type", h.type},
                       {"audience", h.audience},
                       {"updated", h.updated.empty() ? json(nullptr) : json(h.updated)}});
  }
  json facets = json::object();
  for (const char* name : {"category", "type", "product", "tags"}) {
    json counts = json::object();
    if (auto it = response.facets.find(name); it != response.facets.end()) {
      for (const auto& [value, n] : it->second) counts[value] = n;
    }
    facets[name] = counts;
  }
  const json body = {{"total", response.total_estimate}, {"page", page},         {"per_page", per_page},
                     {"did_you_mean", response.did_you_mean.empty() ? json(nullptr) : json(response.did_you_mean)},
                     {"results", results}, {"facets", facets}};
  const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.substr(1, text.size() - 2);
}

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
    return Json({{"status", "ok"}});
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
    HttpResponse res;
    res.content_type = "application/yaml";
    res.body = std::string(kOpenApiYaml);
    return res;
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
    if (auto res = ServeStatic(config_.widgets_dir, serve)) return *res;
    return ErrorResponse(ApiError::kNotFound, fmt::format("no file {}", path));
  }
  constexpr std::string_view kWidgets = "/widgets/";
  if (path.starts_with(kWidgets)) {
    route = Route::kStatic;
    if (auto r = only("GET")) return *r;
    const std::string_view rel = std::string_view(path).substr(kWidgets.size());
    if (auto file = ServeStatic(config_.widgets_dir, rel)) return *file;
    return ErrorResponse(ApiError::kNotFound, fmt::format("no file {}", path));
  }
  return ErrorResponse(ApiError::kNotFound, fmt::format("no route {}", path));
}

HttpResponse Api::Search(const HttpRequest& request, search::Audience audience) {
  const auto start = Clock::now();
  if (!request.HasParam("q")) return ErrorResponse(ApiError::kInvalidQuery, "parameter 'q' is required");
  search::SearchRequest sr;
  sr.query = request.Param("q");
  if (IsBlank(sr.query)) return ErrorResponse(ApiError::kInvalidQuery, "parameter 'q' is empty: type a few words to search for");
  if (auto too_long = CheckQueryLength(sr.query, config_.max_query_chars)) return *too_long;

  int page = 1, per_page = 10;
  if (request.HasParam("page")) {
    auto p = ParseInt(request.Param("page"), 1, kMaxPage);
    if (!p) return ErrorResponse(ApiError::kInvalidParameter, fmt::format("parameter 'page' must be a whole number from 1 to {}", kMaxPage));
    page = *p;
  }
  if (request.HasParam("per_page")) {
    auto p = ParseInt(request.Param("per_page"), 1, kMaxPerPage);
    if (!p) return ErrorResponse(ApiError::kInvalidParameter, fmt::format("parameter 'per_page' must be a whole number from 1 to {}", kMaxPerPage));
    per_page = *p;
  }
  // Searches that carry a session id are logged for analytics.
  std::optional<analytics::Channel> channel;
  if (request.HasParam("channel")) {
    channel = analytics::ParseChannel(request.Param("channel"));
    if (!channel) {
      return ErrorResponse(ApiError::kInvalidParameter, "parameter 'channel' must be 'widget', 'contact_form' or 'agent'");
    }
  }
  const std::string session_id = request.Param("session_id");
  if (request.HasParam("session_id") && !analytics::IsClientId(session_id)) {
    return ErrorResponse(ApiError::kInvalidParameter,
                         "parameter 'session_id' must be 1 to 128 of letters, digits and . _ : -");
  }
  if (request.HasParam("locale")) {
    auto locale = CanonicalLocale(request.Param("locale"));
    if (!locale) return ErrorResponse(ApiError::kInvalidParameter, "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'");
    sr.locale = *locale;
  }
  sr.filters.type = request.Param("type");
  if (!sr.filters.type.empty() && !IsValidArticleType(sr.filters.type)) {
    return ErrorResponse(ApiError::kInvalidParameter, "parameter 'type' must be 'faq' or 'troubleshooting'");
  }
  sr.filters.product = request.Param("product");
  sr.filters.category = request.Param("category");
  sr.filters.tags = SplitTags(request.Param("tags"));
  sr.audience = audience;
  sr.offset = (page - 1) * per_page;
  sr.limit = per_page;
  sr.facets = true;

  // The cache key holds everything the result depends on, with the query as
  // the analyzer sees it.
  std::string normalized;
  for (const text::Token& t : text::Tokenize(sr.query)) normalized += (normalized.empty() ? "" : " ") + t.term;
  std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", normalized, sr.locale,
                                sr.filters.product, sr.filters.category, sr.filters.type, request.Param("tags"),
                                audience == search::Audience::kAgent ? "agent" : "public", page, per_page);

  const std::uint64_t epoch = pool_->Epoch();
  ResultCache::Value tail = cache_.Get(key, epoch);
  if (tail) {
    metrics_.CacheHit();
  } else {
    metrics_.CacheMiss();
    auto lease = pool_->Acquire();
    if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
    auto result = (*lease)->Search(sr);
    if (!result) return ErrorResponse(ApiErrorFor(result.error()), result.error().message());
    tail = std::make_shared<const CachedResults>(CachedResults{ResultsJson(*result, page, per_page), result->total_estimate});
    cache_.Put(key, lease->epoch(), tail);
  }
  const std::int64_t now_ms = NowMs();
  // Query ids sort by time: the event store indexes them in that order.
  const std::string query_id = TimeOrderedId(now_ms);
  if (!session_id.empty()) {
    analytics::Event e;
    e.event_id = query_id;
    e.type = analytics::EventType::kSearch;
    e.session_id = session_id;
    e.channel = channel.value_or(audience == search::Audience::kAgent ? analytics::Channel::kAgent
                                                                     : analytics::Channel::kWidget);
    e.time_ms = now_ms;
    e.locale = sr.locale;
    e.query_id = query_id;
    e.query = normalized;
    const bool filtered = !sr.filters.product.empty() || !sr.filters.category.empty() || !sr.filters.type.empty() ||
                          !sr.filters.tags.empty() || page > 1;
    if (filtered) {
      e.filters = json{{"product", sr.filters.product},
                       {"category", sr.filters.category},
                       {"type", sr.filters.type},
                       {"tags", sr.filters.tags},
                       {"page", page}}
                      .dump(-1, ' ', false, json::error_handler_t::replace);
    }
    e.result_count = tail->total;
    std::vector<analytics::Event> one;
    one.push_back(std::move(e));
    events_->AppendLater(std::move(one));
  }
  // What differs per request goes in front of the cached part.
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  HttpResponse res;
  res.body.reserve(tail->json.size() + sr.query.size() + 96);
  res.body += "{\"query_id\":\"";
  res.body += query_id;
  res.body += "\",\"query\":";
  res.body += json(sr.query).dump(-1, ' ', false, json::error_handler_t::replace);
  res.body += fmt::format(",\"took_ms\":{:.3f},", took_ms);
  res.body += tail->json;
  res.body += "}";
  return res;
}

HttpResponse Api::Suggest(const HttpRequest& request, search::Audience audience) {
  search::SuggestRequest sr;
  sr.query = request.Param("q");
  sr.audience = audience;
  sr.limit = kMaxSuggestions;
  if (auto too_long = CheckQueryLength(sr.query, config_.max_query_chars)) return *too_long;
  if (request.HasParam("locale")) {
    auto locale = CanonicalLocale(request.Param("locale"));
    if (!locale) return ErrorResponse(ApiError::kInvalidParameter, "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'");
    sr.locale = *locale;
  }
  json suggestions = json::array();
  if (!IsBlank(sr.query)) {
    auto lease = pool_->Acquire();
    if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
    auto result = (*lease)->Suggest(sr);
    if (!result) return ErrorResponse(ApiErrorFor(result.error()), result.error().message());
    for (const search::Suggestion& s : *result) suggestions.push_back({{"text", s.text}, {"id", s.id}});
  }
  return Json({{"suggestions", suggestions}});
}

HttpResponse Api::Article(const HttpRequest& request, const std::string& id, search::Audience audience) {
  if (id.empty() || id.find('/') != std::string::npos || CheckId(id)) {
    return ErrorResponse(ApiError::kNotFound, fmt::format("no article '{}'", id));
  }
  search::ArticleRequest ar{.id = id, .locale = config_.default_locale, .audience = audience};
  if (request.HasParam("locale")) {
    auto locale = CanonicalLocale(request.Param("locale"));
    if (!locale) return ErrorResponse(ApiError::kInvalidParameter, "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'");
    ar.locale = *locale;
  }
  auto lease = pool_->Acquire();
  if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
  auto a = (*lease)->GetArticle(ar);
  if (!a) return ErrorResponse(ApiErrorFor(a.error()), a.error().message());
  const std::string locale = a->locale;
  const std::string body_html = RenderMarkdown(a->body_markdown, [&](std::string_view target) { return ArticleUrl(target, locale); });
  return Json({{"id", a->id},
               {"title", a->title},
               {"locale", a->locale},
               {"type", a->type},
               {"category", a->category},
               {"product", a->product},
               {"tags", a->tags},
               {"audience", a->audience},
               {"updated", a->updated.empty() ? json(nullptr) : json(a->updated)},
               {"questions", a->questions},
               {"steps", a->steps},
               {"body_html", body_html},
               {"url", ArticleUrl(a->id, a->locale)}});
}

HttpResponse Api::Ready() {
  const search::IndexStatus s = pool_->Status();
  return Json({{"status", "ready"}, {"generation", s.generation}, {"documents", s.documents}});
}

HttpResponse Api::MetricsPage() {
  const search::IndexStatus s = pool_->Status();
  HttpResponse res;
  res.content_type = "text/plain; version=0.0.4";
  res.body = metrics_.Render(s.documents, s.generation);
  return res;
}

HttpResponse Api::Reload() {
  auto s = pool_->Reload(/*force=*/true);
  if (!s) return ErrorResponse(ApiErrorFor(s.error()), s.error().message());
  return Json({{"status", "reloaded"}, {"generation", s->generation}, {"documents", s->documents}});
}

HttpResponse Api::StartReindex(const HttpRequest& request) {
  const std::string full = request.Param("full");
  if (!full.empty() && full != "true" && full != "false") {
    return ErrorResponse(ApiError::kInvalidParameter, "parameter 'full' must be 'true' or 'false'");
  }
  auto id = reindex_.Start(config_.corpus_path, config_.index_path, full == "true");
  if (!id) return ErrorResponse(ApiError::kConflict, id.error().message());
  return Json({{"job", *id}, {"status", "running"}, {"url", "/api/v1/admin/reindex/" + *id}}, 202);
}

HttpResponse Api::ReindexStatus(const std::string& id) {
  const auto job = reindex_.Get(id);
  if (!job) return ErrorResponse(ApiError::kNotFound, fmt::format("no reindex job '{}'", id));
  json errors = json::array();
  for (const Error& e : job->errors) {
    errors.push_back({{"path", e.where().path.empty() ? json(nullptr) : json(e.where().path)},
                      {"line", e.where().line == 0 ? json(nullptr) : json(e.where().line)},
                      {"code", ErrorCodeName(e.code())},
                      {"message", e.message()}});
  }
  json result = nullptr;
  if (job->result) {
    const BuildStats& s = *job->result;
    result = {{"generation", s.generation}, {"full", s.full},       {"articles", s.articles},
              {"added", s.added},           {"updated", s.updated}, {"deleted", s.deleted},
              {"unchanged", s.unchanged},   {"seconds", s.seconds}};
  }
  return Json({{"job", job->id},
               {"status", job->status},
               {"full", job->full},
               {"started", FormatTime(job->started_ms)},
               {"finished", job->finished_ms ? json(FormatTime(job->finished_ms)) : json(nullptr)},
               {"progress", {{"done", job->done}, {"total", job->total}}},
               {"result", result},
               {"errors", errors}});
}

HttpResponse Api::PostEvents(const HttpRequest& request) {
  auto batch = analytics::ParseEventBatch(request.body, NowMs());
  if (!batch) {
    json details = json::array();
    std::string message;
    for (const analytics::EventProblem& p : batch.error()) {
      details.push_back({{"index", p.index < 0 ? json(nullptr) : json(p.index)}, {"message", p.message}});
      if (message.empty()) message = p.index < 0 ? p.message : fmt::format("event {}: {}", p.index, p.message);
    }
    if (batch.error().size() > 1) message += fmt::format(" (and {} more problems)", batch.error().size() - 1);
    return ErrorResponse(ApiError::kInvalidEvents, "no event was stored: " + message,
                         details.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  const std::size_t received = batch->size();
  auto added = events_->Append(std::move(*batch));
  if (!added) return ErrorResponse(ApiError::kUnavailable, added.error().message());
  return Json({{"accepted", *added}, {"duplicates", received - *added}}, 202);
}

HttpResponse Api::TicketWebhook(const HttpRequest& request) {
  if (config_.ticket_secret.empty()) {
    return ErrorResponse(ApiError::kNotFound, "the ticket webhook is off: set [webhooks] ticket_secret in the config");
  }
  std::string secret = BearerKey(request.Header("authorization"));
  if (secret.empty()) secret = request.Header("x-webhook-secret");
  if (!KeyMatches(secret, {config_.ticket_secret})) {
    return ErrorResponse(ApiError::kUnauthorized, "the webhook secret is missing or wrong");
  }
  auto e = analytics::ParseTicketWebhook(request.body, NowMs());
  if (!e) return ErrorResponse(ApiError::kInvalidEvents, e.error().message(), "[]");
  std::vector<analytics::Event> one;
  one.push_back(std::move(*e));
  auto added = events_->Append(std::move(one));
  if (!added) return ErrorResponse(ApiError::kUnavailable, added.error().message());
  return Json({{"accepted", *added}, {"duplicates", 1 - *added}}, 202);
}

namespace {

// The summary request of an analytics call's parameters.
Result<analytics::SummaryRequest> SummaryParams(const HttpRequest& request, std::int64_t window_ms) {
  return analytics::MakeSummaryRequest(request.Param("from"), request.Param("to"), request.Param("locale"),
                                       request.Param("channel"), NowMs(), window_ms);
}

}  // namespace

HttpResponse Api::AnalyticsSummary(const HttpRequest& request) {
  auto r = SummaryParams(request, window_ms_);
  if (!r) return ErrorResponse(ApiError::kInvalidParameter, r.error().message());
  if (auto flushed = events_->Flush(); !flushed) return ErrorResponse(ApiError::kUnavailable, flushed.error().message());
  auto s = analytics::Summarise(*events_, *r);
  if (!s) return ErrorResponse(ApiErrorFor(s.error()), s.error().message());
  return Json(analytics::SummaryJson(*s, *r));
}

HttpResponse Api::AnalyticsTimeseries(const HttpRequest& request) {
  auto r = SummaryParams(request, window_ms_);
  if (!r) return ErrorResponse(ApiError::kInvalidParameter, r.error().message());
  const std::string metric = request.HasParam("metric") ? request.Param("metric") : "deflection_rate";
  const std::string interval = request.HasParam("interval") ? request.Param("interval") : "day";
  if (auto flushed = events_->Flush(); !flushed) return ErrorResponse(ApiError::kUnavailable, flushed.error().message());
  auto points = analytics::Timeseries(*events_, *r, metric, interval);
  if (!points) return ErrorResponse(ApiErrorFor(points.error()), points.error().message());
  json out = json::array();
  for (const analytics::SeriesPoint& p : *points) {
    out.push_back({{"start", FormatTime(p.start_ms)}, {"value", p.value ? json(*p.value) : json(nullptr)}});
  }
  return Json({{"metric", metric},
               {"interval", interval},
               {"from", FormatTime(r->filter.from_ms)},
               {"to", FormatTime(r->filter.to_ms)},
               {"points", out}});
}

}  // namespace kb::api
