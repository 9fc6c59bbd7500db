// The writer thread of the event stores: every append waiting when it
// wakes is written in one transaction and acknowledged together (group
// commit), so that durability costs one flush per batch, not per request.
// Events nobody waits for (the server's search log) are gathered for up
// to `linger` first, so that they cost one commit per interval.
#ifndef KB_SERVER_ANALYTICS_GROUP_COMMIT_H_
#define KB_SERVER_ANALYTICS_GROUP_COMMIT_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "indexer/base/error.h"
#include "server/analytics/event.h"

namespace kb::analytics {

class GroupCommit {
 public:
  struct Pending {
    std::vector<Event> events;
    std::promise<Result<std::size_t>>* done;  // null: nobody waits
  };
  using Batch = std::deque<Pending>;
  // Writes `batch` in one transaction, all or nothing, setting added[i] to
  // the events of batch[i] that were new. Runs on the writer thread.
  using WriteFn = std::function<Result<void>(const Batch& batch, std::vector<std::size_t>& added)>;
  // Cleans up after `write` threw (rolls back what it left open).
  using CleanupFn = std::function<void()>;

  struct Options {
    std::chrono::milliseconds linger{50};
    // The server's own events of a batch that failed: kept (ahead of what
    // came since, the newest `max_backlog` of them) and tried again after
    // `retry_delay`, or, with max_backlog 0, dropped with the batch.
    std::size_t max_backlog = 0;
    std::chrono::milliseconds retry_delay{1000};
  };

  // Starts the writer thread. Its owner must destroy it before anything
  // `write` uses.
  GroupCommit(WriteFn write, CleanupFn cleanup, Options options);
  // Writes what is queued, then stops the thread (what cannot be written
  // then is lost).
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues `events` and waits until they are written: how many were new.
  Result<std::size_t> Append(std::vector<Event> events);
  // Queues `events` without waiting.
  void AppendLater(std::vector<Event> events);
  // Waits until everything queued so far is written.
  Result<void> Flush();

 private:
  void Loop();
  void Requeue(Batch keep);

  const WriteFn write_;
  const CleanupFn cleanup_;
  const Options options_;
  std::mutex mu_;  // the queue
  std::condition_variable wake_;
  Batch queue_;
  int waiters_ = 0;  // appends in the queue that wait for the write
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once everything above is made
};

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_GROUP_COMMIT_H_
