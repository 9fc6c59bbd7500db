#include "server/search/searcher_pool.h"

#include <xapian.h>

#include "indexer/index_dir.h"

namespace kb::search {

SearcherPool::Lease::~Lease() {
  if (pool_ != nullptr && searcher_) pool_->Release(std::move(searcher_), epoch_);
}

Result<std::unique_ptr<SearcherPool>> SearcherPool::Open(const SearcherOptions& options,
                                                         std::chrono::milliseconds poll) {
  std::unique_ptr<SearcherPool> pool(new SearcherPool(options));
  auto status = pool->Reload(/*force=*/true);
  if (!status) return Fail(status.error());
  if (poll.count() > 0 && !options.index_paths.empty()) {
    pool->watcher_ = std::thread([p = pool.get(), poll] { p->Watch(poll); });
  }
  return pool;
}

SearcherPool::~SearcherPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

std::string SearcherPool::CurrentGeneration() const {
  if (options_.index_paths.size() != 1) return {};
  auto g = index_dir::LiveGeneration(options_.index_paths[0]);
  return g ? *g : std::string();
}

std::uint64_t SearcherPool::CurrentRevision() const {
  if (options_.index_paths.size() != 1) return 0;
  try {
    return Xapian::Database(options_.index_paths[0]).get_revision();
  } catch (const Xapian::Error&) {
    return 0;  // unreadable now: the searchers keep what they have
  }
}

Result<IndexStatus> SearcherPool::Reload(bool force) {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  const std::string generation = CurrentGeneration();
  const std::uint64_t revision = CurrentRevision();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!force && generation == status_.generation && revision == status_.revision) return status_;
  }
  // Open the new index before switching, so a bad one leaves the old one
  // serving.
  auto searcher = Searcher::Open(options_);
  if (!searcher) return Fail(searcher.error());
  std::lock_guard<std::mutex> lock(mu_);
  status_.generation = generation;
  status_.revision = revision;
  status_.documents = (*searcher)->DocumentCount();
  status_.public_documents = (*searcher)->DocumentCount(Audience::kPublic);
  ++status_.epoch;
  epoch_.store(status_.epoch, std::memory_order_release);
  idle_.clear();
  idle_.push_back(std::move(*searcher));
  return status_;
}

Result<SearcherPool::Lease> SearcherPool::Acquire() {
  std::uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    epoch = status_.epoch;
    if (!idle_.empty()) {
      std::unique_ptr<Searcher> s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s), epoch);
    }
  }
  auto s = Searcher::Open(options_);
  if (!s) return Fail(s.error());
  return Lease(this, std::move(*s), epoch);
}

void SearcherPool::Release(std::unique_ptr<Searcher> s, std::uint64_t epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (epoch == status_.epoch) idle_.push_back(std::move(s));  // else: an old generation, dropped
}

IndexStatus SearcherPool::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void SearcherPool::Watch(std::chrono::milliseconds poll) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_cv_.wait_for(lock, poll, [&] { return stop_; })) {
    lock.unlock();
    (void)Reload(/*force=*/false);  // a failed reload keeps the old index serving
    lock.lock();
  }
}

}  // namespace kb::search
