// GET /api/v1/search and /api/v1/suggest.
#include "server/api/api.h"

#include <chrono>

#include <fmt/core.h>

#include "indexer/base/ids.h"
#include "indexer/base/strings.h"
#include "indexer/base/time.h"
#include "indexer/base/utf8.h"
#include "indexer/article.h"
#include "indexer/text/analyzer.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"

namespace kb::api {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxPerPage = 50;
constexpr int kMaxPage = 1000;
constexpr int kMaxSuggestions = 10;

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

HttpResponse Api::Search(const RequestContext& c) {
  const HttpRequest& request = c.request;
  const search::Audience audience = c.audience;
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

HttpResponse Api::Suggest(const RequestContext& c) {
  const HttpRequest& request = c.request;
  const search::Audience audience = c.audience;
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

}  // namespace kb::api
