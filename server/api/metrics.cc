#include "server/api/metrics.h"

#include <fmt/core.h>

namespace kb::api {

void Metrics::Record(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.total;
  h.sum += seconds;
}

std::string Metrics::Render(std::int64_t documents, const std::string& generation) const {
  std::string out;
  out += "# HELP kb_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE kb_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : requests_) {
    out += fmt::format("kb_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, n);
  }
  out += "# HELP kb_http_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE kb_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("kb_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route, kBuckets[i],
                         h.counts[i]);
    }
    out += fmt::format("kb_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, h.total);
    out += fmt::format("kb_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("kb_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, h.total);
  }
  out += "# HELP kb_search_cache_hits_total Searches answered from the result cache.\n";
  out += "# TYPE kb_search_cache_hits_total counter\n";
  out += fmt::format("kb_search_cache_hits_total {}\n", cache_hits_.load());
  out += "# HELP kb_search_cache_misses_total Searches that ran against the index.\n";
  out += "# TYPE kb_search_cache_misses_total counter\n";
  out += fmt::format("kb_search_cache_misses_total {}\n", cache_misses_.load());
  out += "# HELP kb_index_documents Articles in the served index.\n";
  out += "# TYPE kb_index_documents gauge\n";
  out += fmt::format("kb_index_documents {}\n", documents);
  out += "# HELP kb_index_generation_info The served index generation.\n";
  out += "# TYPE kb_index_generation_info gauge\n";
  out += fmt::format("kb_index_generation_info{{generation=\"{}\"}} 1\n", generation);
  return out;
}

}  // namespace kb::api
