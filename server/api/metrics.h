// Counters and histograms for /metrics, in Prometheus text format. Recording
// is lock-free (relaxed atomics), since every request records. Safe for
// concurrent use.
#ifndef KB_SERVER_API_METRICS_H_
#define KB_SERVER_API_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace kb::api {

// The routes requests are counted under.
enum class Route {
  kSearch, kSuggest, kArticle, kHealthz, kReadyz, kMetrics, kOpenApi, kAdminReload, kStatic, kPreflight,
  kEvents, kTicketWebhook, kAnalyticsSummary, kAnalyticsTimeseries, kAdminReindex, kRateLimited, kUnmatched,
};
inline constexpr int kRouteCount = static_cast<int>(Route::kUnmatched) + 1;
std::string_view RouteName(Route route);

class Metrics {
 public:
  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0};
  // Statuses counted one by one; any other is counted as "other".
  static constexpr std::array<int, 12> kStatuses = {200, 202, 204, 400, 401, 404, 405, 409, 413, 429, 500, 503};

  void Record(Route route, int status, double seconds);
  void CacheHit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
  void CacheMiss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }

  // Renders everything, with the index's document count and generation.
  std::string Render(std::int64_t documents, const std::string& generation) const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  struct PerRoute {
    std::array<Counter, kStatuses.size() + 1> by_status{};  // last: other
    std::array<Counter, kBuckets.size()> buckets{};  // not cumulative
    Counter count{0};
    Counter sum_us{0};
  };
  std::array<PerRoute, kRouteCount> routes_{};
  Counter cache_hits_{0};
  Counter cache_misses_{0};
};

}  // namespace kb::api

#endif  // KB_SERVER_API_METRICS_H_
