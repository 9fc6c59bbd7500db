// kb-bench's peers: plain Xapian, Lucene++ and PostgreSQL's full-text
// search, each built from the same synthetic articles and searched with the
// same queries as kbsearch, in-process (PostgreSQL through libpq, on a
// cluster the benchmark starts), warm, one thread, top 10.
#ifndef KB_BENCH_SPEED_PEERS_H_
#define KB_BENCH_SPEED_PEERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/speed/latency.h"
#include "indexer/article.h"
#include "indexer/base/error.h"

namespace kb::bench {

enum class PeerName { kXapian, kLucene, kPostgres };

struct PeerFigures {
  PeerName peer;
  std::string name;         // as printed: "xapian", "lucene++", "postgres"
  std::string not_run;      // why it was not measured (no PostgreSQL here), or empty
  double articles_per_s = 0;
  std::uintmax_t bytes = 0;  // on disk
  Latency latency;
  std::size_t answered = 0;  // queries with at least one hit
};

// Builds each of `peers` from `corpus` under `dir` and measures `queries` on
// it. A peer that cannot run here (PostgreSQL not installed) has
// `not_run`; one that fails is an error.
Result<std::vector<PeerFigures>> MeasurePeers(const std::vector<PeerName>& peers, const std::vector<Article>& corpus,
                                              const std::vector<std::string>& queries, const std::string& dir);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_PEERS_H_
