// kb-relevance's usage simulation: past customers replay a history of
// queries through the real API (a search, then clicks, views, votes,
// resolutions and escalations drawn from a click model), their events go
// into a real event store, and the learner then learns into the index
// from those events alone. The history's judgements only steer the
// simulated customers; the learner never sees them. docs/relevance.md,
// "The usage simulation", gives the model and why its parameters are what
// they are.
#ifndef KB_BENCH_EVAL_USAGE_H_
#define KB_BENCH_EVAL_USAGE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "bench/eval/dataset.h"
#include "indexer/base/error.h"

namespace kb::eval {

// The simulated customers. Fixed, and the same for every collection.
struct ClickModel {
  int customers_per_query = 10;   // each history query is typed by this many customers, each of its own network
  int depth = 10;                 // results a customer is shown
  double abandon = 0.15;          // leaves at once, looking at no result
  double examine_next = 0.8;      // having passed a result, looks at the next
  double click_relevant = 0.7;    // opens a relevant result it looks at
  double click_other = 0.1;       // opens a wrong one
  double solved = 0.7;            // a relevant article it reads solves the problem
  double says_resolved = 0.4;     // then clicks "this solved my problem"
  double votes_helpful = 0.3;     // else votes it helpful
  double back_after_wrong = 0.8;  // goes back to the results after an article that did not help
  double escalates = 0.5;         // not helped, contacts support
  double agent_links = 0.6;       // the agent links the right article to that ticket
  std::uint64_t seed = 20261202;
};

struct UsageStats {
  int sessions = 0;
  int clicks = 0;
  int resolutions = 0;
  int escalations = 0;
  int agent_links = 0;
  std::size_t phrasings = 0;  // learned
};

// Replays `history` (judged by `history_qrels`) against the index in
// `index_dir` through an Api whose event store is the new file
// `events_path`, then learns into the index. Queries whose relevant
// articles are all in `internal_ids` are agents' lookups (with an agent
// key, on the agent channel); the others customers' searches.
Result<UsageStats> SimulateUsage(const std::string& index_dir, const std::string& events_path,
                                 const std::vector<Query>& history, const Qrels& history_qrels,
                                 const std::set<std::string>& internal_ids, const ClickModel& model = {});

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_USAGE_H_
