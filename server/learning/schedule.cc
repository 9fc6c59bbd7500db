#include "server/learning/schedule.h"

#include "indexer/base/caught.h"
#include "indexer/base/time.h"

namespace kb::learning {

LearningSchedule::LearningSchedule(analytics::EventStore& events, std::string index_dir, LearningOptions options,
                                   std::chrono::milliseconds every, std::function<void(const LearnRun&)> on_run,
                                   std::function<void(const Error&)> on_error)
    : events_(events),
      index_dir_(std::move(index_dir)),
      options_(options),
      every_(every),
      on_run_(std::move(on_run)),
      on_error_(std::move(on_error)),
      thread_([this] { Loop(); }) {}

LearningSchedule::~LearningSchedule() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LearningSchedule::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<LearnRun> run = LearnRun{};
    try {
      run = LearnIntoIndex(events_, index_dir_, NowMs(), options_);
    } catch (...) {  // nothing may end this thread
      run = Fail(CaughtError("learning failed"));
    }
    if (run && on_run_) on_run_(*run);
    if (!run && on_error_) on_error_(run.error());
    lock.lock();
    wake_.wait_for(lock, every_, [&] { return stopping_; });
  }
}

}  // namespace kb::learning
