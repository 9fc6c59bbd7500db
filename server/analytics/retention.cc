#include "server/analytics/retention.h"

#include "indexer/base/caught.h"
#include "indexer/base/time.h"

namespace kb::analytics {

RetentionPurge::RetentionPurge(EventStore& store, int retention_days, std::function<void(const Error&)> on_error,
                               std::chrono::milliseconds every)
    : store_(store),
      retention_ms_(retention_days * kDayMs),
      on_error_(std::move(on_error)),
      every_(every),
      thread_([this] { Loop(); }) {}

RetentionPurge::~RetentionPurge() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionPurge::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<std::int64_t> purged = 0;
    try {
      purged = store_.Purge(NowMs() - retention_ms_);
    } catch (...) {  // a store's library threw: reported like a failure
      purged = Fail(CaughtError("purge failed"));
    }
    if (!purged && on_error_) on_error_(purged.error());
    lock.lock();
    wake_.wait_for(lock, every_, [&] { return stopping_; });
  }
}

}  // namespace kb::analytics
