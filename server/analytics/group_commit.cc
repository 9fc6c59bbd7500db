#include "server/analytics/group_commit.h"

#include "indexer/base/caught.h"

namespace kb::analytics {

GroupCommit::GroupCommit(WriteFn write, CleanupFn cleanup, Options options)
    : write_(std::move(write)), cleanup_(std::move(cleanup)), options_(options), thread_([this] { Loop(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<std::size_t> GroupCommit::Append(std::vector<Event> events) {
  std::promise<Result<std::size_t>> done;
  auto future = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Fail(Error::Unavailable("event store is closing"));
    queue_.push_back(Pending{std::move(events), &done});
    ++waiters_;
  }
  wake_.notify_one();
  return future.get();
}

void GroupCommit::AppendLater(std::vector<Event> events) {
  bool first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = queue_.empty();
    queue_.push_back(Pending{std::move(events), nullptr});
  }
  if (first) wake_.notify_one();  // the writer starts gathering
}

Result<void> GroupCommit::Flush() {
  auto r = Append({});
  if (!r) return Fail(r.error());
  return {};
}

void GroupCommit::Loop() {
  bool failing = false;
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything written
      if (waiters_ == 0 && !stopping_) {
        wake_.wait_for(lock, failing ? options_.retry_delay : options_.linger,
                       [&] { return stopping_ || waiters_ > 0; });
      }
      batch.swap(queue_);
      waiters_ = 0;
    }
    std::vector<std::size_t> added(batch.size(), 0);
    Result<void> written;
    try {
      written = write_(batch, added);
    } catch (...) {  // nothing may end this thread: the appends get the error
      written = Fail(CaughtError("event store: write failed"));
      cleanup_();
    }
    failing = !written;
    Batch keep;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Pending& p = batch[i];
      if (p.done == nullptr) {
        if (!written && options_.max_backlog > 0) keep.push_back(std::move(p));
      } else if (written) {
        p.done->set_value(added[i]);
      } else {
        p.done->set_value(Fail(written.error()));
      }
    }
    if (!keep.empty()) Requeue(std::move(keep));
  }
}

void GroupCommit::Requeue(Batch keep) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;  // the store is closing while it cannot write: they are lost
  std::size_t queued = 0;
  for (const Pending& p : queue_) queued += p.events.size();
  for (auto it = keep.rbegin(); it != keep.rend(); ++it) {
    if (queued + it->events.size() > options_.max_backlog) break;
    queued += it->events.size();
    queue_.push_front(std::move(*it));
  }
}

}  // namespace kb::analytics
