// kb-bench: indexing and query speed of kbsearch and of its peers (SQLite
// FTS5, plain Xapian, Lucene++, PostgreSQL's full-text search) on the same
// synthetic articles and queries, in one run.
#ifndef KB_BENCH_SPEED_SPEED_H_
#define KB_BENCH_SPEED_SPEED_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::bench {

// Runs `kb-bench [--articles N] [--queries N]`. Prints a table; the line
// before last is exactly "peers p50_us xapian=X lucene=Y postgres=Z" (NA
// for a peer that could not run here), the last exactly
// "p50_us kb=X fts5=Y p99_us kb=X fts5=Y index_per_s kb=X fts5=Y".
// Figures are reported, never judged: the exit code says only whether the
// benchmark could run.
int RunSpeedBench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_SPEED_H_
