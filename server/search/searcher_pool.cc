#include "server/search/searcher_pool.h"

#include <algorithm>
#include <filesystem>

#include <fmt/core.h>
#include <xapian.h>

#include "indexer/base/strings.h"
#include "indexer/index_dir.h"
#include "server/search/searcher_xapian.h"

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

Result<SearcherPool::Live> SearcherPool::LookAtLive() const {
  Live live;
  live.paths = options_.index_paths;
  if (!FollowsFirst()) return live;  // several local databases: nothing to follow
  const std::string& dir = options_.index_paths[0];
  auto generation = index_dir::LiveGeneration(dir);
  if (!generation && generation.error().code() != ErrorCode::kNotFound) return Fail(generation.error());
  if (generation) {
    // The generation itself, not the stub: Searchers opened later for the
    // same epoch must open what this one serves, whatever the stub names
    // by then.
    live.generation = *generation;
    live.paths[0] = (std::filesystem::path(dir) / *generation).string();
  }
  auto db = OpenDatabase(live.paths[0]);
  if (!db) {
    // No stub: a plain Xapian database, or nothing, which Searcher::Open
    // reports.
    if (live.generation.empty()) return live;
    return Fail(db.error());
  }
  try {
    live.revision = db->get_revision();
  } catch (const Xapian::Error& e) {
    return Fail(Error::DataLoss(fmt::format("cannot read the revision of {}: {}", live.paths[0], e.get_description())));
  }
  return live;
}

void SearcherPool::SetOpenProblem(std::string problem) {
  if (problem.empty()) cannot_reopen_ = false;
  open_problem_ = std::move(problem);
  UpdateDegraded();
}

void SearcherPool::UpdateDegraded() {
  std::string reason;
  if (!open_problem_.empty()) {
    reason = fmt::format("{}; serving {} as opened before", open_problem_,
                         status_.generation.empty() ? "the index" : status_.generation);
  }
  if (!read_problem_.empty()) reason += (reason.empty() ? "" : "; ") + read_problem_;
  // Anyone may ask /readyz: the reason names generations, not where the
  // index directory is.
  if (FollowsFirst()) {
    const std::string& dir = options_.index_paths[0];
    reason = ReplaceAll(ReplaceAll(std::move(reason), dir + "/", ""), dir, "the index directory");
  }
  status_.degraded = std::move(reason);
}

Result<IndexStatus> SearcherPool::Reload(bool force) {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  auto live = LookAtLive();
  if (!live) {
    std::lock_guard<std::mutex> lock(mu_);
    SetOpenProblem(live.error().message());
    return Fail(live.error());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!force && live->generation == status_.generation && live->revision == status_.revision) {
      SetOpenProblem("");  // what is served opens again
      return status_;
    }
  }
  // Open the new index before switching, so a bad one leaves the old one
  // serving.
  SearcherOptions options = options_;
  options.index_paths = live->paths;
  auto searcher = Searcher::Open(options);
  if (!searcher) {
    std::lock_guard<std::mutex> lock(mu_);
    SetOpenProblem(searcher.error().message());
    return Fail(searcher.error());
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.generation = live->generation;
  status_.revision = live->revision;
  status_.documents = (*searcher)->DocumentCount();
  status_.public_documents = (*searcher)->DocumentCount(Audience::kPublic);
  const Searcher::BuildStamp stamp = (*searcher)->Stamp();
  status_.built_generation = stamp.generation;
  status_.built_ms = stamp.built_ms;
  ++status_.epoch;
  epoch_.store(status_.epoch, std::memory_order_release);
  served_paths_ = live->paths;
  idle_.clear();
  idle_.push_back(std::move(*searcher));
  read_problem_.clear();
  SetOpenProblem("");
  returned_.notify_all();
  return status_;
}

Result<SearcherPool::Lease> SearcherPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + kBusyWait;
  for (;;) {
    const std::uint64_t epoch = status_.epoch;
    if (!idle_.empty()) {
      std::unique_ptr<Searcher> s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s), epoch);
    }
    if (!cannot_reopen_) {
      SearcherOptions options = options_;
      options.index_paths = served_paths_;
      lock.unlock();
      auto s = Searcher::Open(options);
      if (s) return Lease(this, std::move(*s), epoch);
      lock.lock();
      // What is served cannot be opened again: share the Searchers open on it.
      if (epoch == status_.epoch) {
        cannot_reopen_ = true;
        SetOpenProblem(s.error().message());
      }
      continue;
    }
    const bool returned = returned_.wait_until(
        lock, deadline, [&] { return !idle_.empty() || !cannot_reopen_ || status_.epoch != epoch; });
    if (!returned) {
      return Fail(Error::Unavailable(fmt::format("{}; every searcher open on it stayed busy", status_.degraded)));
    }
  }
}

void SearcherPool::Release(std::unique_ptr<Searcher> s, std::uint64_t epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (epoch != status_.epoch) return;  // an old generation, dropped
  if (std::string damage = s->Damage(); !damage.empty() && damage != read_problem_) {
    read_problem_ = std::move(damage);
    UpdateDegraded();
  }
  idle_.push_back(std::move(s));
  returned_.notify_one();
}

bool SearcherPool::FollowsFirst() const {
  const std::vector<std::string>& paths = options_.index_paths;
  return !paths.empty() && !IsRemoteShard(paths[0]) &&
         std::all_of(paths.begin() + 1, paths.end(), [](const std::string& p) { return IsRemoteShard(p); });
}

IndexStatus SearcherPool::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  IndexStatus status = status_;
  status.shards = static_cast<int>(std::count_if(options_.index_paths.begin(), options_.index_paths.end(),
                                                 [](const std::string& p) { return IsRemoteShard(p); }));
  if (status.shards > 0 && options_.shard_health) {
    status.shards_down = options_.shard_health->DownCount();
    if (status.shards_down > 0) {
      const std::string down = fmt::format("{} of the index's {} shards {} not answer", status.shards_down,
                                           status.shards, status.shards_down == 1 ? "does" : "do");
      status.degraded = status.degraded.empty() ? down : status.degraded + "; " + down;
    }
  }
  return status;
}

void SearcherPool::Watch(std::chrono::milliseconds poll) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_cv_.wait_for(lock, poll, [&] { return stop_; })) {
    lock.unlock();
    // A failed reload keeps the old index serving, degraded; so does one
    // that threw.
    try {
      (void)Reload(/*force=*/false);
    } catch (...) {
    }
    lock.lock();
  }
}

}  // namespace kb::search
