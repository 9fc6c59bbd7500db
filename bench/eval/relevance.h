// kb-relevance: ranking quality of kbsearch and of the FTS5 peer on a test
// collection, in one run, through the same reader, indexer and search code
// the product uses.
#ifndef KB_BENCH_EVAL_RELEVANCE_H_
#define KB_BENCH_EVAL_RELEVANCE_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::eval {

// Runs `kb-relevance DATASET_DIR... [--run FILE] [--history-folds K]`. For
// each dataset it prints an ablation table (the product's ranking, then each
// ranking feature switched the other way in turn) and the FTS5 peer. With a
// history (the dataset's history.tsv and history-qrels.tsv, or else with
// --history-folds its queries dealt into K folds, each tested with the
// others as history) it also prints kb+usage: kb after simulated customers
// replayed the history through the API and the learner learned from their
// events. The last line printed is exactly "nDCG@10 kb=0.xxxx fts5=0.yyyy",
// with " kb+usage=0.zzzz" when a dataset had a history (with several
// datasets, their mean; kb+usage of one without history is its kb).
// Returns the exit code.
int RunRelevance(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_RELEVANCE_H_
