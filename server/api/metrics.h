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
  kEvents, kTicketWebhook, kAnalyticsSummary, kAnalyticsTimeseries, kAdminReindex, kAdminLearned, kRateLimited, kUnmatched,
};
inline constexpr int kRouteCount = static_cast<int>(Route::kUnmatched) + 1;
std::string_view RouteName(Route route);

// What the connection layer (server/http) counts, one counter each.
enum class ConnectionEvent {
  kRejectedPerClient,  // 503: over [server] max_connections_per_client
  kRejectedFull,       // 503: every one of max_connections taken, none idle
  kHeadTimedOut,       // 408: the head did not arrive within header_timeout
  kBodyTimedOut,       // 408: the body did not arrive within body_timeout
  kHeadTooLarge,       // 431
  kIdleTimedOut,       // an idle keep-alive connection closed after keep_alive_timeout
  kIdleEvicted,        // an idle keep-alive connection closed to make room for another
};
inline constexpr int kConnectionEventCount = static_cast<int>(ConnectionEvent::kIdleEvicted) + 1;

// Where an open connection is, for the kb_http_connections_open gauge.
enum class ConnectionPlace {
  kReading,  // its request (head, or a short body) is arriving
  kIdle,     // kept alive, between requests
  kServing,  // a worker has its request (or will as soon as one is free)
  kClosing,  // answered for the last time; read from until the client closes
};
inline constexpr int kConnectionPlaceCount = static_cast<int>(ConnectionPlace::kClosing) + 1;

class Metrics {
 public:
  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0};
  // Statuses counted one by one; any other is counted as "other".
  static constexpr std::array<int, 13> kStatuses = {200, 202, 204, 400, 401, 404, 405, 409, 413, 429, 500, 503, 507};

  void Record(Route route, int status, double seconds);
  void CacheHit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
  void CacheMiss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }
  void Count(ConnectionEvent event) {
    connection_events_[static_cast<std::size_t>(event)].fetch_add(1, std::memory_order_relaxed);
  }
  void ConnectionEntered(ConnectionPlace place) {
    connections_open_[static_cast<std::size_t>(place)].fetch_add(1, std::memory_order_relaxed);
  }
  void ConnectionLeft(ConnectionPlace place) {
    connections_open_[static_cast<std::size_t>(place)].fetch_sub(1, std::memory_order_relaxed);
  }

  // What /metrics says of the served index.
  struct IndexFacts {
    std::int64_t documents = 0;
    std::string generation;
    std::uint64_t revision = 0;
    std::int64_t built_ms = 0;  // when the indexer last wrote it; 0: not known
    std::int64_t now_ms = 0;
    bool degraded = false;  // see /readyz
    int shards = 0;         // remote shards searched
    int shards_down = 0;    // of them, those that do not answer
  };
  // Renders everything, with `index`.
  std::string Render(const IndexFacts& index) const;

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
  std::array<Counter, kConnectionEventCount> connection_events_{};
  std::array<std::atomic<std::int64_t>, kConnectionPlaceCount> connections_open_{};
};

}  // namespace kb::api

#endif  // KB_SERVER_API_METRICS_H_
