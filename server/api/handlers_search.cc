// GET /api/v1/search and /api/v1/suggest.
#include "server/api/api.h"

#include <algorithm>
#include <array>
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

// The facets a search can count, in the order the response lists them.
constexpr std::array<std::string_view, 4> kFacetNames = {"category", "type", "product", "tags"};

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

// A search's parameters, checked.
struct SearchParams {
  search::SearchRequest search;
  int page = 1;
  int per_page = 10;
  std::string tags;        // as given, for the cache key
  unsigned facets = 0;     // bit i: count kFacetNames[i]
  std::string session_id;  // "": the search is not logged
  std::optional<analytics::Channel> channel;
};

// The facets named by the comma-separated `value` ("*": all of them), as
// bits of kFacetNames, or the error naming the first unknown one.
Parsed<unsigned> ParseFacets(const std::string& value) {
  unsigned bits = 0;
  for (const std::string& name : SplitTags(value)) {
    if (name == "*") {
      bits |= (1u << kFacetNames.size()) - 1;
      continue;
    }
    const auto it = std::find(kFacetNames.begin(), kFacetNames.end(), name);
    if (it == kFacetNames.end()) {
      return std::unexpected(ErrorResponse(
          ApiError::kInvalidParameter,
          fmt::format("parameter 'facets' must list category, type, product or tags, or be '*'; got '{}'", name)));
    }
    bits |= 1u << (it - kFacetNames.begin());
  }
  return bits;
}

// The parameters of `request`, or the error for the first bad one.
Parsed<SearchParams> ParseSearch(const HttpRequest& request, search::Audience audience, int max_query_chars) {
  auto invalid = [](std::string_view message) {
    return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, message));
  };
  if (!request.HasParam("q")) return std::unexpected(ErrorResponse(ApiError::kInvalidQuery, "parameter 'q' is required"));
  SearchParams p;
  search::SearchRequest& sr = p.search;
  sr.query = request.Param("q");
  if (IsBlank(sr.query)) {
    return std::unexpected(
        ErrorResponse(ApiError::kInvalidQuery, "parameter 'q' is empty: type a few words to search for"));
  }
  if (auto too_long = CheckQueryLength(sr.query, max_query_chars)) return std::unexpected(*too_long);
  auto page = IntParam(request, "page", 1, kMaxPage, 1);
  if (!page) return std::unexpected(page.error());
  auto per_page = IntParam(request, "per_page", 1, kMaxPerPage, 10);
  if (!per_page) return std::unexpected(per_page.error());
  p.page = *page;
  p.per_page = *per_page;
  // Searches that carry a session id are logged for analytics.
  if (request.HasParam("channel")) {
    p.channel = analytics::ParseChannel(request.Param("channel"));
    if (!p.channel) return invalid("parameter 'channel' must be 'widget', 'contact_form' or 'agent'");
  }
  p.session_id = request.Param("session_id");
  if (request.HasParam("session_id") && !analytics::IsClientId(p.session_id)) {
    return invalid("parameter 'session_id' must be 1 to 128 of letters, digits and . _ : -");
  }
  auto locale = LocaleParam(request, "");
  if (!locale) return std::unexpected(locale.error());
  sr.locale = *locale;
  if (const std::string type = request.Param("type"); !type.empty()) {
    sr.filters.type = ParseArticleType(type);
    if (!sr.filters.type) return invalid("parameter 'type' must be 'faq' or 'troubleshooting'");
  }
  sr.filters.product = request.Param("product");
  sr.filters.category = request.Param("category");
  p.tags = request.Param("tags");
  sr.filters.tags = SplitTags(p.tags);
  sr.audience = audience;
  sr.offset = (p.page - 1) * p.per_page;
  sr.limit = p.per_page;
  auto facets = ParseFacets(request.Param("facets"));
  if (!facets) return std::unexpected(facets.error());
  p.facets = *facets;
  // Counting facets reads every match (up to kFacetCheckLimit): only when asked.
  sr.facets = p.facets != 0;
  return p;
}

// The query as the analyzer sees it.
std::string Normalized(const std::string& query) {
  std::string normalized;
  for (const text::Token& t : text::Tokenize(query)) normalized += (normalized.empty() ? "" : " ") + t.term;
  return normalized;
}

// Everything the results depend on, with the query as the analyzer sees it.
std::string CacheKey(const SearchParams& p, const std::string& normalized) {
  const search::SearchRequest& sr = p.search;
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", normalized, sr.locale,
                     sr.filters.product, sr.filters.category, sr.filters.type ? ArticleTypeName(*sr.filters.type) : "",
                     p.tags, sr.audience == search::Audience::kAgent ? "agent" : "public", p.page, p.per_page,
                     p.facets);
}

// The part of a search response that depends only on the results: the
// members after query_id, query and took_ms, without the braces.
std::string ResultsJson(const search::SearchResponse& response, const SearchParams& p) {
  json results = json::array();
  for (const search::SearchHit& h : response.hits) {
    results.push_back({{"id", h.id},
                       {"title", h.title},
                       {"snippet", h.snippet},
                       {"url", ArticleUrl(h.id, h.locale)},
                       {"score", h.score},
                       {"locale", h.locale},
                       {"category", h.category},
                       {"type", ArticleTypeName(h.type)},
                       {"audience", AudienceName(h.audience)},
                       {"updated", h.updated.empty() ? json(nullptr) : json(h.updated)}});
  }
  json facets = json::object();
  for (std::size_t i = 0; i < kFacetNames.size(); ++i) {
    if ((p.facets & (1u << i)) == 0) continue;
    const std::string name(kFacetNames[i]);
    json counts = json::object();
    if (auto it = response.facets.find(name); it != response.facets.end()) {
      for (const auto& [value, n] : it->second) counts[value] = n;
    }
    facets[name] = counts;
  }
  const json body = {{"total", response.total_estimate}, {"page", p.page},       {"per_page", p.per_page},
                     {"did_you_mean", response.did_you_mean.empty() ? json(nullptr) : json(response.did_you_mean)},
                     {"partial", response.partial}, {"results", results}, {"facets", facets}};
  const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.substr(1, text.size() - 2);
}

// The results from the cache, or from the index (and then cached).
Parsed<ResultCache::Value> CachedSearch(ResultCache& cache, Metrics& metrics, search::SearcherPool& pool,
                                        const SearchParams& p, const std::string& key) {
  const std::uint64_t epoch = pool.Epoch();
  if (ResultCache::Value hit = cache.Get(key, epoch)) {
    metrics.CacheHit();
    return hit;
  }
  metrics.CacheMiss();
  auto lease = pool.Acquire();
  if (!lease) return std::unexpected(ErrorResponse(ApiError::kUnavailable, lease.error().message()));
  auto result = (*lease)->Search(p.search);
  if (!result) return std::unexpected(ErrorResponse(result.error()));
  auto value = std::make_shared<const CachedResults>(
      CachedResults{ResultsJson(*result, p), result->total_estimate});
  if (!result->partial) cache.Put(key, lease->epoch(), value);  // the missing shards may answer next time
  return value;
}

// The analytics event of a search that carries a session id.
analytics::Event SearchEvent(const SearchParams& p, const std::string& query_id, std::int64_t now_ms,
                             const std::string& normalized, std::int64_t result_count) {
  const search::SearchRequest& sr = p.search;
  analytics::Event e;
  e.event_id = query_id;
  e.type = analytics::EventType::kSearch;
  e.session_id = p.session_id;
  e.channel = p.channel.value_or(sr.audience == search::Audience::kAgent ? analytics::Channel::kAgent
                                                                          : analytics::Channel::kWidget);
  e.time_ms = now_ms;
  e.locale = sr.locale;
  e.query_id = query_id;
  e.query = normalized;
  const bool filtered = !sr.filters.product.empty() || !sr.filters.category.empty() || sr.filters.type ||
                        !sr.filters.tags.empty() || p.page > 1;
  if (filtered) {
    e.filters = json{{"product", sr.filters.product},
                     {"category", sr.filters.category},
                     {"type", sr.filters.type ? ArticleTypeName(*sr.filters.type) : ""},
                     {"tags", sr.filters.tags},
                     {"page", p.page}}
                    .dump(-1, ' ', false, json::error_handler_t::replace);
  }
  e.result_count = result_count;
  return e;
}

// What differs per request goes in front of the cached part.
HttpResponse ResultsResponse(const std::string& query_id, const std::string& query, double took_ms,
                            const CachedResults& results) {
  HttpResponse res;
  res.body.reserve(results.json.size() + query.size() + 96);
  res.body += "{\"query_id\":\"";
  res.body += query_id;
  res.body += "\",\"query\":";
  res.body += json(query).dump(-1, ' ', false, json::error_handler_t::replace);
  res.body += fmt::format(",\"took_ms\":{:.3f},", took_ms);
  res.body += results.json;
  res.body += "}";
  return res;
}

}  // namespace

HttpResponse Api::Search(const RequestContext& c) {
  const auto start = Clock::now();
  auto p = ParseSearch(c.request, c.audience, config_.max_query_chars);
  if (!p) return p.error();
  const std::string normalized = Normalized(p->search.query);
  auto results = CachedSearch(cache_, metrics_, *pool_, *p, CacheKey(*p, normalized));
  if (!results) return results.error();
  const std::int64_t now_ms = NowMs();
  // Query ids sort by time: the event store indexes them in that order.
  const std::string query_id = TimeOrderedId(now_ms);
  if (!p->session_id.empty()) {
    std::vector<analytics::Event> one;
    one.push_back(SearchEvent(*p, query_id, now_ms, normalized, (*results)->total));
    one.back().client = analytics::ClientHash(c.client, events_->ClientKey());
    events_->AppendLater(std::move(one));
  }
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return ResultsResponse(query_id, p->search.query, took_ms, **results);
}

HttpResponse Api::Suggest(const RequestContext& c) {
  search::SuggestRequest sr;
  sr.query = c.request.Param("q");
  sr.audience = c.audience;
  sr.limit = kMaxSuggestions;
  if (auto too_long = CheckQueryLength(sr.query, config_.max_query_chars)) return *too_long;
  auto locale = LocaleParam(c.request, "");
  if (!locale) return locale.error();
  sr.locale = *locale;
  json suggestions = json::array();
  if (!IsBlank(sr.query)) {
    auto lease = pool_->Acquire();
    if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
    auto result = (*lease)->Suggest(sr);
    if (!result) return ErrorResponse(result.error());
    for (const search::Suggestion& s : *result) suggestions.push_back({{"text", s.text}, {"id", s.id}});
  }
  return Json({{"suggestions", suggestions}});
}

}  // namespace kb::api
