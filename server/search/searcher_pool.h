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
  std::uint64_t epoch = 0;  // changes whenever a different index is served
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
  // Xapian databases searched together) and, when `poll` is positive, starts
  // watching the first for new generations.
  static Result<std::unique_ptr<SearcherPool>> Open(const SearcherOptions& options,
                                                    std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  ~SearcherPool();
  SearcherPool(const SearcherPool&) = delete;
  SearcherPool& operator=(const SearcherPool&) = delete;

  Result<Lease> Acquire();

  // Looks at the index now instead of waiting for the watcher; moves to a
  // new generation if there is one. With `force`, reopens even if the
  // generation looks the same.
  Result<IndexStatus> Reload(bool force = false);

  IndexStatus Status() const;

  // The current epoch, without taking the lock.
  std::uint64_t Epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  explicit SearcherPool(SearcherOptions options) : options_(std::move(options)) {}
  void Release(std::unique_ptr<Searcher> s, std::uint64_t epoch);
  void Watch(std::chrono::milliseconds poll);
  std::string CurrentGeneration() const;
  std::uint64_t CurrentRevision() const;

  SearcherOptions options_;
  mutable std::mutex mu_;
  IndexStatus status_;
  std::atomic<std::uint64_t> epoch_{0};  // mirrors status_.epoch
  std::vector<std::unique_ptr<Searcher>> idle_;
  std::mutex reload_mu_;  // one reload at a time
  std::thread watcher_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SEARCHER_POOL_H_
