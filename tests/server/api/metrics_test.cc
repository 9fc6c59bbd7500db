// Metrics: the exact Prometheus text for what was recorded.
#include "server/api/metrics.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

// The connection metrics as they are when nothing was counted.
constexpr std::string_view kConnectionsNone =
    "# HELP kb_http_connections_open Connections open now, by state.\n"
    "# TYPE kb_http_connections_open gauge\n"
    "kb_http_connections_open{state=\"reading\"} 0\n"
    "kb_http_connections_open{state=\"idle\"} 0\n"
    "kb_http_connections_open{state=\"serving\"} 0\n"
    "kb_http_connections_open{state=\"closing\"} 0\n"
    "# HELP kb_http_connections_rejected_total Connections answered 503 and closed: over the per-client cap, or with "
    "every connection slot taken.\n"
    "# TYPE kb_http_connections_rejected_total counter\n"
    "kb_http_connections_rejected_total{reason=\"per_client\"} 0\n"
    "kb_http_connections_rejected_total{reason=\"full\"} 0\n"
    "# HELP kb_http_request_timeouts_total Requests answered 408 because their head or body did not arrive in time.\n"
    "# TYPE kb_http_request_timeouts_total counter\n"
    "kb_http_request_timeouts_total{phase=\"head\"} 0\n"
    "kb_http_request_timeouts_total{phase=\"body\"} 0\n"
    "# HELP kb_http_request_heads_too_large_total Requests answered 431: a head over the size limit.\n"
    "# TYPE kb_http_request_heads_too_large_total counter\n"
    "kb_http_request_heads_too_large_total 0\n"
    "# HELP kb_http_idle_connections_closed_total Idle keep-alive connections closed: after keep_alive_timeout, or to "
    "make room for a new connection.\n"
    "# TYPE kb_http_idle_connections_closed_total counter\n"
    "kb_http_idle_connections_closed_total{reason=\"timeout\"} 0\n"
    "kb_http_idle_connections_closed_total{reason=\"make_room\"} 0\n";

// The index of most tests: 4 articles, written 12.345 s before now.
constexpr std::int64_t kT = 1'796'000'000'000;
const Metrics::IndexFacts kFacts{4, "gen-000001", 3, kT - 12'345, kT, false};

constexpr std::string_view kIndex =
    "# HELP kb_index_documents Articles in the served index (public ones only, unless the request has a key).\n"
    "# TYPE kb_index_documents gauge\n"
    "kb_index_documents 4\n"
    "# HELP kb_index_generation_info The served index generation (the indexer's name for it, on a replica too).\n"
    "# TYPE kb_index_generation_info gauge\n"
    "kb_index_generation_info{generation=\"gen-000001\"} 1\n"
    "# HELP kb_index_revision The served index's Xapian revision: replicas serving the same index agree.\n"
    "# TYPE kb_index_revision gauge\n"
    "kb_index_revision 3\n"
    "# HELP kb_index_age_seconds Seconds since the indexer last wrote the served index.\n"
    "# TYPE kb_index_age_seconds gauge\n"
    "kb_index_age_seconds 12.345\n"
    "# HELP kb_index_degraded 1 while the live index cannot be opened or was found damaged (see /readyz).\n"
    "# TYPE kb_index_degraded gauge\n"
    "kb_index_degraded 0\n";

TEST(MetricsTest, NothingRecordedYet) {
  const Metrics m;
  EXPECT_EQ(m.Render(kFacts),
            "# HELP kb_http_requests_total HTTP requests by route and status.\n"
            "# TYPE kb_http_requests_total counter\n"
            "# HELP kb_http_request_duration_seconds Time to answer a request.\n"
            "# TYPE kb_http_request_duration_seconds histogram\n"
            "# HELP kb_search_cache_hits_total Searches answered from the result cache.\n"
            "# TYPE kb_search_cache_hits_total counter\n"
            "kb_search_cache_hits_total 0\n"
            "# HELP kb_search_cache_misses_total Searches that ran against the index.\n"
            "# TYPE kb_search_cache_misses_total counter\n"
            "kb_search_cache_misses_total 0\n" +
                std::string(kConnectionsNone) + std::string(kIndex));
}

TEST(MetricsTest, RequestsByRouteAndStatusWithLatencyHistograms) {
  Metrics m;
  m.Record(Route::kSearch, 200, 0.0004);
  m.Record(Route::kSearch, 200, 0.25);   // a bucket's bound is inside it
  m.Record(Route::kSearch, 418, 2.0);    // an unlisted status; slower than every bucket
  m.Record(Route::kArticle, 404, 0.001);
  m.Record(Route::kUnmatched, 302, 0.0001);
  m.CacheHit();
  m.CacheHit();
  m.CacheMiss();
  EXPECT_EQ(m.Render(kFacts),
            "# HELP kb_http_requests_total HTTP requests by route and status.\n"
            "# TYPE kb_http_requests_total counter\n"
            "kb_http_requests_total{route=\"search\",status=\"200\"} 2\n"
            "kb_http_requests_total{route=\"search\",status=\"other\"} 1\n"
            "kb_http_requests_total{route=\"article\",status=\"404\"} 1\n"
            "kb_http_requests_total{route=\"unmatched\",status=\"other\"} 1\n"
            "# HELP kb_http_request_duration_seconds Time to answer a request.\n"
            "# TYPE kb_http_request_duration_seconds histogram\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.0005\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.001\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.0025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.005\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.01\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.05\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.1\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.25\"} 2\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"0.5\"} 2\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"1\"} 2\n"
            "kb_http_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"} 3\n"
            "kb_http_request_duration_seconds_sum{route=\"search\"} 2.2504\n"
            "kb_http_request_duration_seconds_count{route=\"search\"} 3\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.0005\"} 0\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.001\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.0025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.005\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.01\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.05\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.1\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.25\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"0.5\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"1\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"article\",le=\"+Inf\"} 1\n"
            "kb_http_request_duration_seconds_sum{route=\"article\"} 0.001\n"
            "kb_http_request_duration_seconds_count{route=\"article\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.0005\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.001\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.0025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.005\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.01\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.025\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.05\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.1\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.25\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"0.5\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"1\"} 1\n"
            "kb_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"+Inf\"} 1\n"
            "kb_http_request_duration_seconds_sum{route=\"unmatched\"} 0.0001\n"
            "kb_http_request_duration_seconds_count{route=\"unmatched\"} 1\n"
            "# HELP kb_search_cache_hits_total Searches answered from the result cache.\n"
            "# TYPE kb_search_cache_hits_total counter\n"
            "kb_search_cache_hits_total 2\n"
            "# HELP kb_search_cache_misses_total Searches that ran against the index.\n"
            "# TYPE kb_search_cache_misses_total counter\n"
            "kb_search_cache_misses_total 1\n" +
                std::string(kConnectionsNone) + std::string(kIndex));
}

TEST(MetricsTest, EveryListedStatusHasItsOwnLine) {
  Metrics m;
  for (int status : Metrics::kStatuses) m.Record(Route::kEvents, status, 0.001);
  m.Record(Route::kEvents, 201, 0.001);
  m.Record(Route::kEvents, 599, 0.001);
  const std::string text = m.Render({0, "", 0, 0, kT, true});
  std::string expected;
  for (const char* status :
       {"200", "202", "204", "400", "401", "404", "405", "409", "413", "429", "500", "503", "507"}) {
    expected += std::string("kb_http_requests_total{route=\"events\",status=\"") + status + "\"} 1\n";
  }
  expected += "kb_http_requests_total{route=\"events\",status=\"other\"} 2\n";
  const std::size_t from = text.find("kb_http_requests_total{");
  const std::size_t to = text.find("# HELP kb_http_request_duration_seconds");
  ASSERT_NE(from, std::string::npos) << text;
  EXPECT_EQ(text.substr(from, to - from), expected);
  EXPECT_NE(text.find("kb_index_generation_info{generation=\"\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nkb_index_degraded 1\n"), std::string::npos);
}

TEST(MetricsTest, ConnectionEventsAndOpenConnections) {
  Metrics m;
  m.ConnectionEntered(ConnectionPlace::kReading);
  m.ConnectionEntered(ConnectionPlace::kReading);
  m.ConnectionLeft(ConnectionPlace::kReading);
  m.ConnectionEntered(ConnectionPlace::kServing);
  m.ConnectionEntered(ConnectionPlace::kIdle);
  m.ConnectionEntered(ConnectionPlace::kIdle);
  m.ConnectionEntered(ConnectionPlace::kIdle);
  m.ConnectionEntered(ConnectionPlace::kClosing);
  m.Count(ConnectionEvent::kRejectedPerClient);
  m.Count(ConnectionEvent::kRejectedPerClient);
  m.Count(ConnectionEvent::kRejectedFull);
  m.Count(ConnectionEvent::kHeadTimedOut);
  m.Count(ConnectionEvent::kHeadTimedOut);
  m.Count(ConnectionEvent::kHeadTimedOut);
  m.Count(ConnectionEvent::kBodyTimedOut);
  m.Count(ConnectionEvent::kHeadTooLarge);
  m.Count(ConnectionEvent::kIdleTimedOut);
  m.Count(ConnectionEvent::kIdleTimedOut);
  m.Count(ConnectionEvent::kIdleEvicted);
  const std::string text = m.Render({0, "", 0, 0, kT, false});
  std::string values;
  const std::size_t to = text.find("# HELP kb_index_documents");
  for (std::size_t at = text.find("# HELP kb_http_connections_open"); at < to;) {
    const std::size_t eol = text.find('\n', at);
    if (text[at] != '#') values += text.substr(at, eol + 1 - at);
    at = eol + 1;
  }
  EXPECT_EQ(values,
            "kb_http_connections_open{state=\"reading\"} 1\n"
            "kb_http_connections_open{state=\"idle\"} 3\n"
            "kb_http_connections_open{state=\"serving\"} 1\n"
            "kb_http_connections_open{state=\"closing\"} 1\n"
            "kb_http_connections_rejected_total{reason=\"per_client\"} 2\n"
            "kb_http_connections_rejected_total{reason=\"full\"} 1\n"
            "kb_http_request_timeouts_total{phase=\"head\"} 3\n"
            "kb_http_request_timeouts_total{phase=\"body\"} 1\n"
            "kb_http_request_heads_too_large_total 1\n"
            "kb_http_idle_connections_closed_total{reason=\"timeout\"} 2\n"
            "kb_http_idle_connections_closed_total{reason=\"make_room\"} 1\n");
}

TEST(MetricsTest, EveryRouteHasAName) {
  std::vector<std::string_view> names;
  for (int i = 0; i < kRouteCount; ++i) names.push_back(RouteName(static_cast<Route>(i)));
  EXPECT_EQ(names, (std::vector<std::string_view>{"search", "suggest", "article", "healthz", "readyz", "metrics",
                                                  "openapi", "admin_reload", "static", "preflight", "events",
                                                  "ticket_webhook", "analytics_summary", "analytics_timeseries",
                                                  "admin_reindex", "admin_learned", "rate_limited", "unmatched"}));
}

}  // namespace
}  // namespace kb::api
