#include "bench/speed/shard_overhead.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "bench/speed/latency.h"
#include "bench/speed/request.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"

namespace kb::bench {

namespace {

struct Setup {
  std::string name;
  std::vector<std::string> paths;
};

Result<std::vector<std::string>> TopIds(search::Searcher& searcher, const std::string& q) {
  auto r = searcher.Search(BenchRequest(q, false));
  if (!r) return Fail(r.error());
  std::vector<std::string> ids;
  for (const search::SearchHit& hit : r->hits) ids.push_back(hit.id);
  return ids;
}

}  // namespace

int RunShardOverhead(const std::string& dir, const std::vector<std::string>& servers, std::ostream& out,
                     std::ostream& err) {
  std::vector<std::string> queries;
  {
    std::ifstream in(dir + "/queries.txt");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) queries.push_back(line);
    }
  }
  if (queries.empty()) {
    err << "kb-bench: no queries in " << dir << "/queries.txt (write them with kb-bench --emit DIR --shards N)\n";
    return 1;
  }
  const std::string sharded = dir + "/sharded";
  for (std::size_t k = 0; k < servers.size(); ++k) {
    if (!std::filesystem::exists(ShardPath(sharded, k))) {
      err << fmt::format("kb-bench: {} has no shard {} for server {} (write it with kb-bench --emit {} --shards {})\n",
                         sharded, k, servers[k], dir, servers.size());
      return 1;
    }
  }
  std::vector<std::string> remote = {LexiconPath(sharded)};
  remote.insert(remote.end(), servers.begin(), servers.end());
  const std::vector<Setup> setups = {
      {"one local index", {dir + "/index"}},
      {fmt::format("{} local shards", servers.size()), ShardedIndexPaths(sharded, servers.size())},
      {fmt::format("{} remote shards", servers.size()), remote},
  };

  std::vector<std::unique_ptr<search::Searcher>> searchers;
  for (const Setup& setup : setups) {
    auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = setup.paths});
    if (!searcher) {
      err << "kb-bench: " << setup.name << ": " << searcher.error().ToString() << "\n";
      return 1;
    }
    searchers.push_back(std::move(*searcher));
  }

  // The remote shards must rank as the one index does, or their cost says
  // nothing.
  std::size_t same = 0;
  for (const std::string& q : queries) {
    auto one = TopIds(*searchers[0], q);
    auto shards = TopIds(*searchers[2], q);
    if (!one || !shards) {
      err << "kb-bench: '" << q << "': " << (!one ? one.error() : shards.error()).ToString() << "\n";
      return 1;
    }
    if (*one == *shards) ++same;
  }

  out << fmt::format("shards: {} served by xapian-tcpsrv over loopback, {} queries, one thread, warm, top 10; "
                     "latency in microseconds\n",
                     servers.size(), queries.size());
  out << fmt::format("{:<18} {:>9} {:>9} {:>9}   {:>9} {:>9} {:>9}\n", "index", "p50_us", "p99_us", "mean_us",
                     "+snip p50", "p99", "mean");
  std::vector<Latency> plain, with_snippets;
  for (std::size_t i = 0; i < setups.size(); ++i) {
    auto run = [&](bool snippets) {
      return Measure(queries, [&, snippets](const std::string& q) { (void)searchers[i]->Search(BenchRequest(q, snippets)); });
    };
    plain.push_back(run(false));
    with_snippets.push_back(run(true));
    out << fmt::format("{:<18} {:>9.1f} {:>9.1f} {:>9.1f}   {:>9.1f} {:>9.1f} {:>9.1f}\n", setups[i].name,
                       plain[i].p50_us, plain[i].p99_us, plain[i].mean_us, with_snippets[i].p50_us,
                       with_snippets[i].p99_us, with_snippets[i].mean_us);
  }
  out << fmt::format("same top 10 on the remote shards as on one index: {} of {} queries\n", same, queries.size());
  out << fmt::format("remote shards against one local index: p50 {:.2f}x, with snippets {:.2f}x\n",
                     plain[2].p50_us / plain[0].p50_us, with_snippets[2].p50_us / with_snippets[0].p50_us);
  out << fmt::format("shard_overhead_us={:.0f}\n", plain[2].p50_us - plain[0].p50_us);
  return 0;
}

}  // namespace kb::bench
