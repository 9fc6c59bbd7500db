// kb-bench --shard-overhead: what searching shards costs against one local
// index, on the synthetic corpus that `kb-bench --emit DIR --shards N` wrote
// (docs/scaling.md). bench/cluster/run serves the shards with xapian-tcpsrv.
#ifndef KB_BENCH_SPEED_SHARD_OVERHEAD_H_
#define KB_BENCH_SPEED_SHARD_OVERHEAD_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::bench {

// Searches DIR/queries.txt on DIR/index, on the N shards of DIR/sharded
// opened locally, and on the same shards through `servers` (one
// "tcp://host:port" per shard, in shard order), each without and then with
// snippets. Prints a table, how many queries have the same top 10 on the
// remote shards as on the one index, and last, exactly
// "shard_overhead_us=X": the remote shards' p50 minus the one index's,
// without snippets (which both make alike, from local data). 1 when the
// benchmark could not run.
int RunShardOverhead(const std::string& dir, const std::vector<std::string>& servers, std::ostream& out,
                     std::ostream& err);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_SHARD_OVERHEAD_H_
