// Ranking metrics, computed as ../shared/eval/score_run.py computes them:
// graded gains 2^g - 1 for nDCG, relevance = grade >= 1, queries without a
// relevant document skipped, a judged query with no results scoring 0.
#ifndef KB_BENCH_EVAL_METRICS_H_
#define KB_BENCH_EVAL_METRICS_H_

#include <map>
#include <string>
#include <vector>

#include "bench/eval/dataset.h"

namespace kb::eval {

// qid -> ranked document ids, best first.
using Ranking = std::map<std::string, std::vector<std::string>>;

struct Metrics {
  double ndcg10 = 0;
  double mrr10 = 0;
  double recall10 = 0;
  double recall100 = 0;
  int queries = 0;  // queries scored
};

// Scores `run` over the queries in `queries` that have a relevant document.
Metrics Score(const Qrels& qrels, const std::vector<Query>& queries, const Ranking& run);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_METRICS_H_
