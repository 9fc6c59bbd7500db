#include "bench/speed/scale.h"

#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "bench/peer/xapian_plain.h"
#include "bench/speed/latency.h"
#include "bench/speed/request.h"
#include "bench/speed/synthetic.h"
#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"

namespace kb::bench {

namespace {

// VmRSS of this process, in KiB.
long RssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// Runs `self --probe SYSTEM DIR` and reads its figure; -1 when it fails.
long Probe(const std::string& self, const std::string& system, const std::string& dir) {
  const std::string command = fmt::format("'{}' --probe {} '{}'", self, system, dir);
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  long kib = -1;
  char line[256];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    if (std::string_view(line).starts_with("rss_kib=")) kib = std::strtol(line + 8, nullptr, 10);
  }
  return ::pclose(p) == 0 ? kib : -1;
}

struct Row {
  std::string system;
  double articles_per_s = 0;
  std::uintmax_t bytes = 0;
  Latency latency;
  long rss_kib = -1;
};

}  // namespace

int RunProbe(const std::string& system, const std::string& dir, std::ostream& out, std::ostream& err) {
  std::vector<std::string> queries;
  std::ifstream in(dir + "/queries.txt");
  for (std::string line; std::getline(in, line);) queries.push_back(line);
  if (system == "kb") {
    auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {dir + "/kb"}});
    if (!searcher) {
      err << "kb-bench: " << searcher.error().ToString() << "\n";
      return 1;
    }
    for (int round = 0; round < 2; ++round) {
      for (const std::string& q : queries) (void)(*searcher)->Search(BenchRequest(q, true));
    }
  } else if (system == "xapian") {
    auto index = peer::XapianPlain::Open(dir + "/xapian");
    if (!index) {
      err << "kb-bench: " << index.error().ToString() << "\n";
      return 1;
    }
    for (int round = 0; round < 2; ++round) {
      for (const std::string& q : queries) (void)(*index)->Search(q, 10);
    }
  } else {
    err << "kb-bench: --probe takes kb or xapian, got '" << system << "'\n";
    return 2;
  }
  out << "rss_kib=" << RssKib() << "\n";
  return 0;
}

int RunScale(const std::vector<int>& sizes, int query_count, const std::string& self, std::ostream& out,
             std::ostream& err) {
  out << fmt::format("scale: {} queries per size, in-process, one thread, warm, top 10; latency in microseconds;\n"
                     "RSS: a searcher's resident memory once it has answered every query (a process of its own)\n",
                     query_count);
  out << fmt::format("{:>9} {:<14} {:>11} {:>10} {:>9} {:>9} {:>8}\n", "articles", "system", "articles/s",
                     "index MiB", "p50_us", "p99_us", "RSS MiB");
  std::vector<std::vector<Row>> all;
  for (const int size : sizes) {
    TempDir tmp("kb-scale");
    std::vector<std::string> queries;
    std::vector<Row> rows(3);
    rows[0].system = "kb";
    rows[1].system = "kb +snippets";
    rows[2].system = "xapian";
    {
      SyntheticOptions options;
      options.articles = size;
      const std::vector<Article> corpus = MakeSyntheticCorpus(options);
      queries = MakeSyntheticQueries(corpus, query_count, options.seed + 1);
      std::ofstream q(tmp.path() + "/queries.txt");
      for (const std::string& line : queries) q << line << "\n";

      auto start = Clock::now();
      auto built = BuildIndex(corpus, tmp.path() + "/kb");
      if (!built) {
        err << "kb-bench: " << built.error().ToString() << "\n";
        return 1;
      }
      rows[0].articles_per_s = rows[1].articles_per_s = static_cast<double>(size) / Seconds(start);
      rows[0].bytes = rows[1].bytes = DiskBytes(tmp.path() + "/kb/" + built->generation);
      start = Clock::now();
      auto xapian = peer::XapianPlain::Build(tmp.path() + "/xapian", corpus);
      if (!xapian) {
        err << "kb-bench: " << xapian.error().ToString() << "\n";
        return 1;
      }
      rows[2].articles_per_s = static_cast<double>(size) / Seconds(start);
      rows[2].bytes = DiskBytes(tmp.path() + "/xapian");
    }
    {
      auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {tmp.path() + "/kb"}});
      if (!searcher) {
        err << "kb-bench: " << searcher.error().ToString() << "\n";
        return 1;
      }
      for (int s = 0; s < 2; ++s) {
        rows[s].latency = Measure(queries, [&](const std::string& q) { (void)(*searcher)->Search(BenchRequest(q, s == 1)); });
      }
      auto xapian = peer::XapianPlain::Open(tmp.path() + "/xapian");
      if (!xapian) {
        err << "kb-bench: " << xapian.error().ToString() << "\n";
        return 1;
      }
      rows[2].latency = Measure(queries, [&](const std::string& q) { (void)(*xapian)->Search(q, 10); });
    }
    rows[0].rss_kib = rows[1].rss_kib = Probe(self, "kb", tmp.path());
    rows[2].rss_kib = Probe(self, "xapian", tmp.path());
    for (const Row& r : rows) {
      out << fmt::format("{:>9} {:<14} {:>11.0f} {:>10.1f} {:>9.1f} {:>9.1f} {:>8}\n", size, r.system, r.articles_per_s,
                         static_cast<double>(r.bytes) / (1024.0 * 1024.0), r.latency.p50_us, r.latency.p99_us,
                         r.rss_kib < 0 ? std::string("NA") : fmt::format("{:.0f}", r.rss_kib / 1024.0));
    }
    out.flush();
    all.push_back(std::move(rows));
  }
  for (std::size_t i = 1; i < all.size(); ++i) {
    out << fmt::format("{} -> {} articles ({:.0f}x):", sizes[i - 1], sizes[i],
                       static_cast<double>(sizes[i]) / static_cast<double>(sizes[i - 1]));
    for (std::size_t s = 0; s < all[i].size(); ++s) {
      out << fmt::format(" {} p50 x{:.2f}", all[i][s].system, all[i][s].latency.p50_us / all[i - 1][s].latency.p50_us);
    }
    out << "\n";
  }
  std::string last = "scale p50_us";
  for (std::size_t s = 0; s < 3; ++s) {
    last += fmt::format(" {}=", s == 0 ? "kb" : s == 1 ? "snippets" : "xapian");
    for (std::size_t i = 0; i < all.size(); ++i) last += fmt::format("{}{:.0f}", i == 0 ? "" : "/", all[i][s].latency.p50_us);
  }
  out << last << "\n";
  return 0;
}

}  // namespace kb::bench
