// kb-bench: indexing and query speed of kbsearch and the FTS5 peer on the
// same synthetic articles and queries, in one run.
#ifndef KB_BENCH_SPEED_SPEED_H_
#define KB_BENCH_SPEED_SPEED_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::bench {

// Runs `kb-bench [--articles N] [--queries N]`. Prints a table; the last line
// is exactly "p50_us kb=X fts5=Y p99_us kb=X fts5=Y index_per_s kb=X fts5=Y".
// Figures are reported, never judged: the exit code says only whether the
// benchmark could run.
int RunSpeedBench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_SPEED_H_
