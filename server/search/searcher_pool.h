// SearcherPool: Searchers for many threads over one live index, following the
// index as builds swap in new generations.
//
// Each request leases a Searcher for its duration; Searchers are reused and
// created on demand (Xapian databases are not thread-safe, so they are never
// shared). A watcher thread polls the index directory's stub file and the
// live database's revision; when either changes (a new generation swapped
// in, or the live one updated in place), the pool's epoch moves on, new
// leases get Searchers on what is now live, and leases in flight finish on
// what they had. Safe for concurrent use.
//
// A live index that cannot be opened (a damaged or missing generation, a
// table cut short) is never switched to: the pool keeps serving the
// generation it has open and says it is degraded (IndexStatus::degraded).
// When the served generation itself can no longer be opened, new leases
// share the Searchers already open on it, waiting for one to come back
// rather than failing. A build that swaps in a good generation, or a forced
// reload that opens one, ends the degraded state.
#ifndef KB_SERVER_SEARCH_SEARCHER_POOL_H_
#define KB_SERVER_SEARCH_SEARCHER_POOL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "indexer/base/error.h"
#include "server/search/searcher.h"

namespace kb::search {

struct IndexStatus {
  std::string generation;  // "" for a path that is not a kbsearch index directory
  std::uint64_t revision = 0;  // the live database's Xapian revision
  std::int64_t documents = 0;
  std::int64_t public_documents = 0;  // of `documents`, those customers may see
  // The generation the indexer wrote, and when it last committed to it
  // (Searcher::Stamp). On the indexer's own directory the generation is
  // `generation`; on a replica it says which of the indexer's generations
  // the copy holds.
  std::string built_generation;
  std::int64_t built_ms = 0;
  std::uint64_t epoch = 0;  // changes whenever a different index is served
  // Why what is served is not all it should be: the live index cannot be
  // opened ("...; serving gen-000001 as opened before"), or a search found
  // the served one damaged. "" when all is well. Paths inside the index
  // directory are given from there ("gen-000002"), since anyone may read it.
  std::string degraded;
  // Remote shards searched, and how many of them do not answer (then also
  // in `degraded`).
  int shards = 0;
  int shards_down = 0;
};

class SearcherPool {
 public:
  class Lease {
   public:
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    Searcher* operator->() const { return searcher_.get(); }
    Searcher& operator*() const { return *searcher_; }
    std::uint64_t epoch() const { return epoch_; }

   private:
    friend class SearcherPool;
    Lease(SearcherPool* pool, std::unique_ptr<Searcher> s, std::uint64_t epoch)
        : pool_(pool), searcher_(std::move(s)), epoch_(epoch) {}
    SearcherPool* pool_;
    std::unique_ptr<Searcher> searcher_;
    std::uint64_t epoch_;
  };

  // Opens `options.index_paths` (one kbsearch index directory, or several
  // Xapian databases searched together, or the lexicon of remote shards and
  // the shards) and, when `poll` is positive, starts watching the index
  // directory, or the lexicon, for new generations: a new one opens new
  // connections to the shards too. A shard that does not answer makes the
  // status degraded.
  static Result<std::unique_ptr<SearcherPool>> Open(const SearcherOptions& options,
                                                    std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  ~SearcherPool();
  SearcherPool(const SearcherPool&) = delete;
  SearcherPool& operator=(const SearcherPool&) = delete;

  // A Searcher on what is served. kUnavailable only when the served index
  // cannot be opened again and every Searcher open on it stayed busy for
  // kBusyWait.
  Result<Lease> Acquire();

  // Looks at the index now instead of waiting for the watcher; moves to a
  // new generation if there is one. With `force`, reopens even if the
  // generation looks the same. When the live index cannot be opened, the
  // error, and the pool stays on what it serves (degraded).
  Result<IndexStatus> Reload(bool force = false);

  IndexStatus Status() const;

  // The current epoch, without taking the lock.
  std::uint64_t Epoch() const { return epoch_.load(std::memory_order_acquire); }

  // How long Acquire waits for a Searcher in use when no new one can be
  // opened.
  static constexpr std::chrono::seconds kBusyWait{5};

 private:
  // What the index directory names as live now.
  struct Live {
    std::vector<std::string> paths;  // what to open
    std::string generation;
    std::uint64_t revision = 0;
  };

  explicit SearcherPool(SearcherOptions options) : options_(std::move(options)) {}
  void Release(std::unique_ptr<Searcher> s, std::uint64_t epoch);
  void Watch(std::chrono::milliseconds poll);
  Result<Live> LookAtLive() const;
  // Whether the first index path is followed to its live generation: a
  // single index directory, or the lexicon of remote shards.
  bool FollowsFirst() const;
  // REQUIRES: mu_ held. Records why the live index could not be opened ("":
  // it can be) and recomputes status_.degraded.
  void SetOpenProblem(std::string problem);
  void UpdateDegraded();

  SearcherOptions options_;
  mutable std::mutex mu_;
  IndexStatus status_;
  std::atomic<std::uint64_t> epoch_{0};  // mirrors status_.epoch
  std::vector<std::string> served_paths_;  // what status_ serves, for new Searchers
  std::vector<std::unique_ptr<Searcher>> idle_;
  std::condition_variable returned_;  // a Searcher of this epoch came back
  bool cannot_reopen_ = false;  // opening served_paths_ failed in this epoch
  std::string open_problem_;    // the live index cannot be opened
  std::string read_problem_;    // a search found the served index damaged
  std::mutex reload_mu_;  // one reload at a time
  std::thread watcher_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SEARCHER_POOL_H_
