#include "server/analytics/summary.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <future>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/core.h>

#include "indexer/article.h"
#include "indexer/text/analyzer.h"

namespace kb::analytics {

namespace {

using json = nlohmann::json;

std::optional<double> Ratio(std::int64_t num, std::int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

json Nullable(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// The help sessions' state while events are read.
struct Session {
  std::int64_t start_ms = 0;
  bool escalated = false;
  std::vector<std::uint32_t> articles;  // viewed or clicked in the window (interned)
};

// Keeps copies of strings for the length of a summary, cheaply: views into
// large blocks, never freed one by one.
class Arena {
 public:
  std::string_view Keep(std::string_view s) {
    if (s.size() > kBlock - used_ || blocks_.empty()) {
      blocks_.push_back(std::make_unique<char[]>(std::max(kBlock, s.size())));
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    std::copy(s.begin(), s.end(), p);
    used_ += s.size();
    return {p, s.size()};
  }

 private:
  static constexpr std::size_t kBlock = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0;
};

// Small dense ids for strings (article ids, queries).
template <typename Value>
class Interned {
 public:
  explicit Interned(Arena& arena) : arena_(arena) {}
  std::uint32_t Id(std::string_view key) {
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(values_.size());
    const std::string_view kept = arena_.Keep(key);
    ids_.emplace(kept, id);
    keys_.push_back(kept);
    values_.emplace_back();
    return id;
  }
  Value& operator[](std::string_view key) { return values_[Id(key)]; }
  Value& at(std::uint32_t id) { return values_[id]; }
  std::string_view key(std::uint32_t id) const { return keys_[id]; }
  std::size_t size() const { return values_.size(); }

 private:
  Arena& arena_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::vector<std::string_view> keys_;
  std::vector<Value> values_;
};

}  // namespace

std::optional<double> ArticleStats::helpfulness() const { return Ratio(helpful_yes, helpful_yes + helpful_no); }

Result<Summary> Summarise(EventStore& store, const SummaryRequest& request) {
  const EventFilter& f = request.filter;
  if (f.to_ms <= f.from_ms) return Fail(Error::InvalidArgument("'from' must be before 'to'"));
  Summary out;

  // The help sessions are looked up while the events are read; what needs
  // them is kept aside and applied after.
  auto help_sessions = std::async(std::launch::async, [&] { return store.HelpSessions(f); });
  struct Touch {
    std::string_view session;
    std::int64_t time_ms;
    std::uint32_t article;  // kEscalation for an escalation
  };
  constexpr std::uint32_t kEscalation = ~0u;
  std::vector<Touch> touches;

  Arena arena;
  Interned<ArticleStats> articles(arena);
  Interned<QueryStats> queries(arena);
  // Customer searches in the range, and the query ids clicked by the end of
  // the window after it (a click just after "to" still counts for a search
  // just before).
  struct SearchRow {
    std::string_view query_id;
    std::uint32_t query;
    std::int64_t results;
  };
  std::vector<SearchRow> searches;
  std::unordered_set<std::string_view> clicked;
  std::map<std::int64_t, std::int64_t> agent_days;  // day number -> lookups
  Interned<std::int64_t> agent_articles(arena);
  std::int64_t position_sum = 0;

  auto scanned = store.Scan(f.from_ms, f.to_ms + request.window_ms, [&](const Event& e) {
    const bool in_range = e.time_ms < f.to_ms;
    if (e.type == EventType::kEscalate || e.type == EventType::kTicket) {
      // An escalation counts for its session whatever channel reported it.
      touches.push_back({arena.Keep(e.session_id), e.time_ms, kEscalation});
      return;
    }
    if (!f.Admits(e)) return;
    if (e.channel == Channel::kAgent) {
      if (!in_range) return;
      if (e.type == EventType::kSearch) {
        ++out.agent.lookups;
        ++agent_days[e.time_ms >= 0 ? e.time_ms / kDayMs : (e.time_ms - kDayMs + 1) / kDayMs];
      } else if (e.type == EventType::kView || e.type == EventType::kClick) {
        ++agent_articles[e.article_id];
      }
      return;
    }
    if (!IsCustomerChannel(e.channel)) return;
    if (e.type == EventType::kClick && !e.query_id.empty() && !clicked.contains(e.query_id)) {
      clicked.insert(arena.Keep(e.query_id));
    }
    if (e.type == EventType::kView || e.type == EventType::kClick) {
      touches.push_back({arena.Keep(e.session_id), e.time_ms, articles.Id(e.article_id)});
    }
    if (!in_range) return;
    switch (e.type) {
      case EventType::kSearch:
        searches.push_back({arena.Keep(e.query_id), queries.Id(e.query), e.result_count});
        break;
      case EventType::kClick:
        ++out.clicks;
        position_sum += e.position;
        ++articles[e.article_id].clicks;
        break;
      case EventType::kView:
        ++articles[e.article_id].views;
        break;
      case EventType::kVote:
        ++(e.helpful.value_or(false) ? articles[e.article_id].helpful_yes : articles[e.article_id].helpful_no);
        break;
      case EventType::kResolve:
        ++out.resolutions;
        ++articles[e.article_id].resolutions;
        break;
      default:
        break;
    }
  }, EventStore::Fields::kCounting);
  auto starts = help_sessions.get();
  if (!scanned) return Fail(scanned.error());
  if (!starts) return Fail(starts.error());

  // Sessions, keyed by views into `starts`, which outlives the map.
  std::unordered_map<std::string_view, Session> sessions;
  sessions.reserve(starts->size());
  for (const SessionStart& s : *starts) sessions.emplace(s.session_id, Session{s.first_ms, false, {}});
  for (const Touch& t : touches) {
    auto it = sessions.find(t.session);
    if (it == sessions.end() || t.time_ms < it->second.start_ms || t.time_ms > it->second.start_ms + request.window_ms) {
      continue;
    }
    if (t.article == kEscalation) {
      it->second.escalated = true;
    } else {
      it->second.articles.push_back(t.article);
    }
  }
  out.help_sessions = static_cast<std::int64_t>(sessions.size());
  for (auto& [id, s] : sessions) {
    if (s.escalated) {
      ++out.escalated_sessions;
      continue;
    }
    std::sort(s.articles.begin(), s.articles.end());
    s.articles.erase(std::unique(s.articles.begin(), s.articles.end()), s.articles.end());
    for (std::uint32_t a : s.articles) ++articles.at(a).deflections;
  }
  if (out.help_sessions > 0) out.deflection_rate = 1.0 - *Ratio(out.escalated_sessions, out.help_sessions);
  out.self_service_ratio = Ratio(out.help_sessions, out.escalated_sessions);

  // Searches.
  for (const SearchRow& s : searches) {
    QueryStats& q = queries.at(s.query);
    ++q.searches;
    ++out.searches;
    const bool was_clicked = !s.query_id.empty() && clicked.contains(s.query_id);
    if (was_clicked) {
      ++out.searches_with_click;
      ++q.clicks;
    }
    if (s.results == 0) {
      ++out.zero_result_searches;
      ++q.zero_result_searches;
    } else if (!was_clicked) {
      ++out.no_click_searches;
      ++q.no_click_searches;
    }
  }
  out.search_ctr = Ratio(out.searches_with_click, out.searches);
  out.zero_result_rate = Ratio(out.zero_result_searches, out.searches);
  out.no_click_rate = Ratio(out.no_click_searches, out.searches);
  out.avg_click_position = Ratio(position_sum, out.clicks);

  std::vector<QueryStats> all;
  all.reserve(queries.size());
  for (std::uint32_t i = 0; i < queries.size(); ++i) {
    QueryStats q = queries.at(i);
    if (q.searches == 0) continue;  // a query seen only outside the range
    q.query = std::string(queries.key(i));
    all.push_back(std::move(q));
  }
  std::sort(all.begin(), all.end(), [](const QueryStats& a, const QueryStats& b) {
    return std::tie(b.searches, a.query) < std::tie(a.searches, b.query);
  });
  for (const QueryStats& q : all) {
    if (out.top_queries.size() < request.top) out.top_queries.push_back(q);
  }
  auto failed = [](const QueryStats& q) { return q.zero_result_searches + q.no_click_searches; };
  std::vector<QueryStats> gaps;
  for (const QueryStats& q : all) {
    if (failed(q) > 0) gaps.push_back(q);
  }
  std::stable_sort(gaps.begin(), gaps.end(),
                   [&](const QueryStats& a, const QueryStats& b) { return failed(a) > failed(b); });
  if (gaps.size() > request.top) gaps.resize(request.top);
  out.content_gaps = std::move(gaps);

  // Articles: those with any activity in the range, or a deflection.
  for (std::uint32_t i = 0; i < articles.size(); ++i) {
    ArticleStats a = articles.at(i);
    if (a.views + a.clicks + a.helpful_yes + a.helpful_no + a.resolutions + a.deflections == 0) continue;
    a.article_id = std::string(articles.key(i));
    out.articles.push_back(std::move(a));
  }
  std::sort(out.articles.begin(), out.articles.end(), [](const ArticleStats& a, const ArticleStats& b) {
    return std::tie(b.deflections, b.views, b.clicks, a.article_id) <
           std::tie(a.deflections, a.views, a.clicks, b.article_id);
  });

  // Agents.
  for (const auto& [day, n] : agent_days) out.agent.lookups_per_day.push_back({FormatDate(day * kDayMs), n});
  for (std::uint32_t i = 0; i < agent_articles.size(); ++i) {
    out.agent.top_articles.push_back({std::string(agent_articles.key(i)), agent_articles.at(i)});
  }
  std::sort(out.agent.top_articles.begin(), out.agent.top_articles.end(),
            [](const ArticleCount& a, const ArticleCount& b) {
              return std::tie(b.count, a.article_id) < std::tie(a.count, b.article_id);
            });
  if (out.agent.top_articles.size() > request.top) out.agent.top_articles.resize(request.top);
  return out;
}

namespace {

constexpr std::string_view kMetricNames[] = {
    "deflection_rate", "self_service_ratio", "help_sessions",      "escalated_sessions", "resolutions",
    "searches",        "search_ctr",         "avg_click_position", "zero_result_rate",   "no_click_rate",
};
static_assert(std::size(kMetricNames) == kMetricCount);
constexpr std::string_view kIntervalNames[] = {"hour", "day", "week"};

}  // namespace

std::string_view MetricName(Metric metric) { return kMetricNames[static_cast<int>(metric)]; }

Result<Metric> ParseMetric(std::string_view name) {
  for (int i = 0; i < kMetricCount; ++i) {
    if (kMetricNames[i] == name) return static_cast<Metric>(i);
  }
  std::string names;
  for (std::string_view m : kMetricNames) names += (names.empty() ? "" : ", ") + std::string(m);
  return Fail(Error::InvalidArgument(fmt::format("unknown metric '{}': use one of {}", name, names)));
}

std::optional<double> MetricValue(const Summary& s, Metric metric) {
  switch (metric) {
    case Metric::kDeflectionRate: return s.deflection_rate;
    case Metric::kSelfServiceRatio: return s.self_service_ratio;
    case Metric::kHelpSessions: return static_cast<double>(s.help_sessions);
    case Metric::kEscalatedSessions: return static_cast<double>(s.escalated_sessions);
    case Metric::kResolutions: return static_cast<double>(s.resolutions);
    case Metric::kSearches: return static_cast<double>(s.searches);
    case Metric::kSearchCtr: return s.search_ctr;
    case Metric::kAvgClickPosition: return s.avg_click_position;
    case Metric::kZeroResultRate: return s.zero_result_rate;
    case Metric::kNoClickRate: return s.no_click_rate;
  }
  return std::nullopt;
}

std::string_view IntervalName(Interval interval) { return kIntervalNames[static_cast<int>(interval)]; }

Result<Interval> ParseInterval(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (kIntervalNames[i] == name) return static_cast<Interval>(i);
  }
  return Fail(Error::InvalidArgument(fmt::format("unknown interval '{}': use hour, day or week", name)));
}

Result<std::vector<SeriesPoint>> Timeseries(EventStore& store, const SummaryRequest& request, Metric metric,
                                            Interval interval) {
  const std::int64_t step = interval == Interval::kHour ? kHourMs : interval == Interval::kDay ? kDayMs : 7 * kDayMs;
  const EventFilter& f = request.filter;
  if (f.to_ms <= f.from_ms) return Fail(Error::InvalidArgument("'from' must be before 'to'"));
  // Weeks start on Monday; the epoch, a Thursday, is 3 days into its week.
  const std::int64_t offset = step == 7 * kDayMs ? 3 * kDayMs : 0;
  const std::int64_t first = f.from_ms - (((f.from_ms + offset) % step) + step) % step;
  const std::int64_t points = (f.to_ms - first + step - 1) / step;
  if (points > static_cast<std::int64_t>(kMaxSeriesPoints)) {
    return Fail(Error::InvalidArgument(
        fmt::format("{} intervals of one {} is too many (at most {}); choose a longer interval or a shorter range",
                    points, IntervalName(interval), kMaxSeriesPoints)));
  }
  std::vector<SeriesPoint> out;
  for (std::int64_t start = first; start < f.to_ms; start += step) {
    SummaryRequest r = request;
    r.filter.from_ms = start;
    r.filter.to_ms = start + step;
    auto s = Summarise(store, r);
    if (!s) return Fail(s.error());
    const std::optional<double> v = MetricValue(*s, metric);
    out.push_back({start, v});
  }
  return out;
}

Result<SummaryRequest> MakeSummaryRequest(std::string_view from, std::string_view to, std::string_view locale,
                                          std::string_view channel, std::int64_t now_ms, std::int64_t window_ms) {
  SummaryRequest r;
  r.window_ms = window_ms;
  r.filter.to_ms = now_ms + 1;  // up to now, this millisecond included
  if (!to.empty()) {
    auto t = ParseTime(to, /*end_of_day=*/true);
    if (!t) return Fail(Error::InvalidArgument(fmt::format("'to': {}", t.error().message())));
    r.filter.to_ms = *t;
  }
  r.filter.from_ms = r.filter.to_ms - 30 * kDayMs;
  if (!from.empty()) {
    auto t = ParseTime(from);
    if (!t) return Fail(Error::InvalidArgument(fmt::format("'from': {}", t.error().message())));
    r.filter.from_ms = *t;
  }
  if (r.filter.from_ms >= r.filter.to_ms) {
    return Fail(Error::InvalidArgument(fmt::format("'from' ({}) must be before 'to' ({})", FormatTime(r.filter.from_ms),
                                                   FormatTime(r.filter.to_ms))));
  }
  if (!locale.empty()) {
    auto l = CanonicalLocale(locale);
    if (!l) return Fail(Error::InvalidArgument("'locale' must be a BCP 47 tag such as 'en' or 'de-AT'"));
    r.filter.language = text::LanguageOf(*l);
  }
  if (!channel.empty()) {
    auto c = ParseChannel(channel);
    if (!c) return Fail(Error::InvalidArgument("'channel' must be 'widget', 'contact_form' or 'agent'"));
    r.filter.channel = *c;
  }
  return r;
}

json SummaryJson(const Summary& s, const SummaryRequest& request) {
  json articles = json::array();
  for (const ArticleStats& a : s.articles) {
    articles.push_back({{"article_id", a.article_id},   {"views", a.views},
                        {"clicks", a.clicks},           {"helpful_yes", a.helpful_yes},
                        {"helpful_no", a.helpful_no},   {"helpfulness", Nullable(a.helpfulness())},
                        {"resolutions", a.resolutions}, {"deflections", a.deflections}});
  }
  auto queries = [](const std::vector<QueryStats>& rows) {
    json out = json::array();
    for (const QueryStats& q : rows) {
      out.push_back({{"query", q.query},
                     {"searches", q.searches},
                     {"clicks", q.clicks},
                     {"zero_result_searches", q.zero_result_searches},
                     {"no_click_searches", q.no_click_searches}});
    }
    return out;
  };
  json days = json::array();
  for (const DayCount& d : s.agent.lookups_per_day) days.push_back({{"date", d.date}, {"lookups", d.count}});
  json agent_articles = json::array();
  for (const ArticleCount& a : s.agent.top_articles) agent_articles.push_back({{"article_id", a.article_id}, {"uses", a.count}});
  const EventFilter& f = request.filter;
  return {
      {"from", FormatTime(f.from_ms)},
      {"to", FormatTime(f.to_ms)},
      {"channel", f.channel ? json(ChannelName(*f.channel)) : json(nullptr)},
      {"locale", f.language.empty() ? json(nullptr) : json(f.language)},
      {"attribution_window_seconds", request.window_ms / 1000},
      {"help_sessions", s.help_sessions},
      {"escalated_sessions", s.escalated_sessions},
      {"deflection_rate", Nullable(s.deflection_rate)},
      {"self_service_ratio", Nullable(s.self_service_ratio)},
      {"resolutions", s.resolutions},
      {"searches", s.searches},
      {"searches_with_click", s.searches_with_click},
      {"zero_result_searches", s.zero_result_searches},
      {"no_click_searches", s.no_click_searches},
      {"clicks", s.clicks},
      {"search_ctr", Nullable(s.search_ctr)},
      {"avg_click_position", Nullable(s.avg_click_position)},
      {"zero_result_rate", Nullable(s.zero_result_rate)},
      {"no_click_rate", Nullable(s.no_click_rate)},
      {"articles", articles},
      {"top_queries", queries(s.top_queries)},
      {"content_gaps", queries(s.content_gaps)},
      {"agent_usage", {{"lookups", s.agent.lookups}, {"lookups_per_day", days}, {"top_articles", agent_articles}}},
  };
}

}  // namespace kb::analytics
