// Latency of a function over a list of queries, as kb-bench reports it.
#ifndef KB_BENCH_SPEED_LATENCY_H_
#define KB_BENCH_SPEED_LATENCY_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kb::bench {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since);

// Bytes of the file, or of every file under the directory, at `p`.
std::uintmax_t DiskBytes(const std::filesystem::path& p);

struct Latency {
  double p50_us = 0;
  double p99_us = 0;
  double mean_us = 0;
};

// Runs every query once to warm caches, then once more timing each.
Latency Measure(const std::vector<std::string>& queries, const std::function<void(const std::string&)>& run);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_LATENCY_H_
