#include "bench/speed/latency.h"

#include <algorithm>

namespace kb::bench {

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::uintmax_t DiskBytes(const std::filesystem::path& p) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return fs::file_size(p, ec);
  std::uintmax_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

Latency Measure(const std::vector<std::string>& queries, const std::function<void(const std::string&)>& run) {
  for (const std::string& q : queries) run(q);
  std::vector<double> us;
  us.reserve(queries.size());
  for (const std::string& q : queries) {
    const auto start = Clock::now();
    run(q);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  Latency l;
  if (us.empty()) return l;
  auto pct = [&](double p) { return us[std::min(us.size() - 1, static_cast<std::size_t>(p * static_cast<double>(us.size())))]; };
  l.p50_us = pct(0.50);
  l.p99_us = pct(0.99);
  double sum = 0;
  for (double v : us) sum += v;
  l.mean_us = sum / static_cast<double>(us.size());
  return l;
}

}  // namespace kb::bench
