// kb-bench --scale: how cost grows as the help center grows. For each size
// (10,000, 100,000 and 1,000,000 synthetic articles by default), kbsearch
// without and with snippets and plain Xapian: query p50 and p99, build
// rate, index size, and the resident memory of a searcher with the index
// open that has answered every query, measured in a process of its own
// (kb-bench --probe).
#ifndef KB_BENCH_SPEED_SCALE_H_
#define KB_BENCH_SPEED_SCALE_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::bench {

// Prints a row per size and system, then how each grows from one size to
// the next, and last "scale p50_us kb=A/B/C snippets=A/B/C xapian=A/B/C"
// (one figure per size). `self` is this program, run again for the probes.
int RunScale(const std::vector<int>& sizes, int queries, const std::string& self, std::ostream& out,
             std::ostream& err);

// kb-bench --probe kb|xapian DIR: opens the index DIR/kb or DIR/xapian,
// answers every query of DIR/queries.txt twice (kbsearch with snippets),
// and prints "rss_kib=N", its resident memory then.
int RunProbe(const std::string& system, const std::string& dir, std::ostream& out, std::ostream& err);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_SCALE_H_
