// The retention limit: events older than a number of days are deleted from
// an EventStore, once at start and then every hour, on a thread of its own.
#ifndef KB_SERVER_ANALYTICS_RETENTION_H_
#define KB_SERVER_ANALYTICS_RETENTION_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "indexer/base/error.h"
#include "server/analytics/event_store.h"

namespace kb::analytics {

class RetentionPurge {
 public:
  // Starts purging events older than `retention_days` (> 0) from `store`
  // every `every`; a failed purge is passed to `on_error` (from the purge
  // thread) and tried again next time. `store` must outlive this object.
  RetentionPurge(EventStore& store, int retention_days, std::function<void(const Error&)> on_error,
                 std::chrono::milliseconds every = std::chrono::hours(1));
  // Stops the thread, waiting for a purge under way to finish.
  ~RetentionPurge();
  RetentionPurge(const RetentionPurge&) = delete;
  RetentionPurge& operator=(const RetentionPurge&) = delete;

 private:
  void Loop();

  EventStore& store_;
  const std::int64_t retention_ms_;
  const std::function<void(const Error&)> on_error_;
  const std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above are set
};

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_RETENTION_H_
