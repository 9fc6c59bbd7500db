// Deflection and self-service metrics, computed exactly from the event
// store. The definitions, with formulas, are in docs/analytics.md; the
// comments here only name them.
#ifndef KB_SERVER_ANALYTICS_SUMMARY_H_
#define KB_SERVER_ANALYTICS_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "indexer/base/error.h"
#include "indexer/base/time.h"
#include "server/analytics/event_store.h"

namespace kb::analytics {

struct SummaryRequest {
  EventFilter filter;                   // the range [from, to), channel, language
  std::int64_t window_ms = kDayMs;      // attribution window for escalations
  std::size_t top = 50;                 // rows in top_queries and content_gaps
};

struct ArticleStats {
  std::string article_id;
  std::int64_t views = 0;
  std::int64_t clicks = 0;
  std::int64_t helpful_yes = 0;
  std::int64_t helpful_no = 0;
  std::int64_t resolutions = 0;
  std::int64_t deflections = 0;  // help sessions that viewed or clicked it and did not escalate
  std::optional<double> helpfulness() const;
};

struct QueryStats {
  std::string query;  // normalised
  std::int64_t searches = 0;
  std::int64_t clicks = 0;
  std::int64_t zero_result_searches = 0;
  std::int64_t no_click_searches = 0;
};

struct DayCount {
  std::string date;  // YYYY-MM-DD, UTC
  std::int64_t count = 0;
};

struct ArticleCount {
  std::string article_id;
  std::int64_t count = 0;
};

struct Summary {
  std::int64_t help_sessions = 0;
  std::int64_t escalated_sessions = 0;
  std::optional<double> deflection_rate;     // 1 - escalated / help sessions
  std::optional<double> self_service_ratio;  // help sessions / escalated
  std::int64_t resolutions = 0;
  std::int64_t searches = 0;
  std::int64_t searches_with_click = 0;
  std::int64_t zero_result_searches = 0;
  std::int64_t no_click_searches = 0;
  std::int64_t clicks = 0;
  std::optional<double> search_ctr;
  std::optional<double> avg_click_position;
  std::optional<double> zero_result_rate;
  std::optional<double> no_click_rate;
  std::vector<ArticleStats> articles;       // most deflections first
  std::vector<QueryStats> top_queries;      // most searched first
  std::vector<QueryStats> content_gaps;     // most failed searches first
  struct {
    std::int64_t lookups = 0;
    std::vector<DayCount> lookups_per_day;
    std::vector<ArticleCount> top_articles;
  } agent;
};

Result<Summary> Summarise(EventStore& store, const SummaryRequest& request);

// The metrics a time series can follow, named as in the summary's JSON.
enum class Metric : std::uint8_t {
  kDeflectionRate, kSelfServiceRatio, kHelpSessions, kEscalatedSessions, kResolutions,
  kSearches, kSearchCtr, kAvgClickPosition, kZeroResultRate, kNoClickRate,
};
inline constexpr int kMetricCount = 10;
std::string_view MetricName(Metric metric);  // "deflection_rate", ...
// kInvalidArgument naming the metrics there are when `name` is none of them.
Result<Metric> ParseMetric(std::string_view name);
// The metric's value in a summary; nullopt where it is undefined (a rate of
// nothing).
std::optional<double> MetricValue(const Summary& s, Metric metric);

// The intervals of a time series.
enum class Interval : std::uint8_t { kHour, kDay, kWeek };
std::string_view IntervalName(Interval interval);  // "hour", "day", "week"
Result<Interval> ParseInterval(std::string_view name);

struct SeriesPoint {
  std::int64_t start_ms = 0;
  std::optional<double> value;
};

// One metric over consecutive intervals from request.filter.from_ms
// (rounded down to the interval, UTC; weeks start on Monday) to to_ms.
Result<std::vector<SeriesPoint>> Timeseries(EventStore& store, const SummaryRequest& request, Metric metric,
                                            Interval interval);

// Most intervals a time series may have.
inline constexpr std::size_t kMaxSeriesPoints = 2000;

// A request from its text form, as the API's parameters and the report's
// flags give it: optional ISO 8601 `from` and `to` (by default the 30 days
// up to and including `now_ms`; a date alone as `to` includes that whole
// day), optional
// `locale` (its language is matched) and `channel`.
Result<SummaryRequest> MakeSummaryRequest(std::string_view from, std::string_view to, std::string_view locale,
                                          std::string_view channel, std::int64_t now_ms, std::int64_t window_ms);

nlohmann::json SummaryJson(const Summary& s, const SummaryRequest& request);

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_SUMMARY_H_
