#include "server/api/metrics.h"

#include <fmt/core.h>

namespace kb::api {

std::string_view RouteName(Route route) {
  static constexpr std::array<std::string_view, kRouteCount> kNames = {
      "search", "suggest", "article", "healthz", "readyz", "metrics", "openapi", "admin_reload", "static",
      "preflight", "events", "ticket_webhook", "analytics_summary", "analytics_timeseries", "admin_reindex", "admin_learned", "rate_limited",
      "unmatched"};
  return kNames[static_cast<int>(route)];
}

void Metrics::Record(Route route, int status, double seconds) {
  PerRoute& r = routes_[static_cast<int>(route)];
  std::size_t s = 0;
  while (s < kStatuses.size() && kStatuses[s] != status) ++s;
  r.by_status[s].fetch_add(1, std::memory_order_relaxed);
  // One count in the first bucket that holds it; Render accumulates.
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  if (b < kBuckets.size()) r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
  r.sum_us.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render(const IndexFacts& index) const {
  std::string out;
  out += "# HELP kb_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE kb_http_requests_total counter\n";
  for (int i = 0; i < kRouteCount; ++i) {
    const PerRoute& r = routes_[static_cast<std::size_t>(i)];
    for (std::size_t s = 0; s <= kStatuses.size(); ++s) {
      const std::uint64_t n = r.by_status[s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
      out += fmt::format("kb_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", RouteName(Route(i)), status, n);
    }
  }
  out += "# HELP kb_http_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE kb_http_request_duration_seconds histogram\n";
  for (int i = 0; i < kRouteCount; ++i) {
    const PerRoute& r = routes_[static_cast<std::size_t>(i)];
    const std::uint64_t count = r.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const std::string_view name = RouteName(Route(i));
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      out += fmt::format("kb_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", name, kBuckets[b],
                         cumulative);
    }
    out += fmt::format("kb_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", name, count);
    out += fmt::format("kb_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", name,
                       static_cast<double>(r.sum_us.load(std::memory_order_relaxed)) / 1e6);
    out += fmt::format("kb_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", name, count);
  }
  out += "# HELP kb_search_cache_hits_total Searches answered from the result cache.\n";
  out += "# TYPE kb_search_cache_hits_total counter\n";
  out += fmt::format("kb_search_cache_hits_total {}\n", cache_hits_.load());
  out += "# HELP kb_search_cache_misses_total Searches that ran against the index.\n";
  out += "# TYPE kb_search_cache_misses_total counter\n";
  out += fmt::format("kb_search_cache_misses_total {}\n", cache_misses_.load());
  out += "# HELP kb_http_connections_open Connections open now, by state.\n";
  out += "# TYPE kb_http_connections_open gauge\n";
  static constexpr std::array<std::string_view, kConnectionPlaceCount> kPlaces = {"reading", "idle", "serving",
                                                                                 "closing"};
  for (std::size_t i = 0; i < kPlaces.size(); ++i) {
    out += fmt::format("kb_http_connections_open{{state=\"{}\"}} {}\n", kPlaces[i],
                       connections_open_[i].load(std::memory_order_relaxed));
  }
  // Each counter of connection events, with its lines: a label (or none) per
  // event counted.
  struct Line {
    std::string_view label;
    ConnectionEvent event;
  };
  auto counter = [&](std::string_view name, std::string_view help, std::initializer_list<Line> lines) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
    for (const Line& line : lines) {
      const std::uint64_t n = connection_events_[static_cast<std::size_t>(line.event)].load(std::memory_order_relaxed);
      out += line.label.empty() ? fmt::format("{} {}\n", name, n) : fmt::format("{}{{{}}} {}\n", name, line.label, n);
    }
  };
  counter("kb_http_connections_rejected_total",
          "Connections answered 503 and closed: over the per-client cap, or with every connection slot taken.",
          {{"reason=\"per_client\"", ConnectionEvent::kRejectedPerClient},
           {"reason=\"full\"", ConnectionEvent::kRejectedFull}});
  counter("kb_http_request_timeouts_total",
          "Requests answered 408 because their head or body did not arrive in time.",
          {{"phase=\"head\"", ConnectionEvent::kHeadTimedOut}, {"phase=\"body\"", ConnectionEvent::kBodyTimedOut}});
  counter("kb_http_request_heads_too_large_total", "Requests answered 431: a head over the size limit.",
          {{"", ConnectionEvent::kHeadTooLarge}});
  counter("kb_http_idle_connections_closed_total",
          "Idle keep-alive connections closed: after keep_alive_timeout, or to make room for a new connection.",
          {{"reason=\"timeout\"", ConnectionEvent::kIdleTimedOut},
           {"reason=\"make_room\"", ConnectionEvent::kIdleEvicted}});
  out += "# HELP kb_index_documents Articles in the served index (public ones only, unless the request has a key).\n";
  out += "# TYPE kb_index_documents gauge\n";
  out += fmt::format("kb_index_documents {}\n", index.documents);
  out += "# HELP kb_index_generation_info The served index generation (the indexer's name for it, on a replica too).\n";
  out += "# TYPE kb_index_generation_info gauge\n";
  out += fmt::format("kb_index_generation_info{{generation=\"{}\"}} 1\n", index.generation);
  out += "# HELP kb_index_revision The served index's Xapian revision: replicas serving the same index agree.\n";
  out += "# TYPE kb_index_revision gauge\n";
  out += fmt::format("kb_index_revision {}\n", index.revision);
  if (index.built_ms > 0) {
    out += "# HELP kb_index_age_seconds Seconds since the indexer last wrote the served index.\n";
    out += "# TYPE kb_index_age_seconds gauge\n";
    out += fmt::format("kb_index_age_seconds {:.3f}\n", std::max<std::int64_t>(0, index.now_ms - index.built_ms) / 1000.0);
  }
  out += "# HELP kb_index_degraded 1 while the live index cannot be opened or was found damaged (see /readyz).\n";
  out += "# TYPE kb_index_degraded gauge\n";
  out += fmt::format("kb_index_degraded {}\n", index.degraded ? 1 : 0);
  if (index.shards > 0) {
    out += "# HELP kb_index_shards Remote shards the index is searched over.\n";
    out += "# TYPE kb_index_shards gauge\n";
    out += fmt::format("kb_index_shards {}\n", index.shards);
    out += "# HELP kb_index_shards_down Remote shards that did not answer when last tried.\n";
    out += "# TYPE kb_index_shards_down gauge\n";
    out += fmt::format("kb_index_shards_down {}\n", index.shards_down);
  }
  return out;
}

}  // namespace kb::api
