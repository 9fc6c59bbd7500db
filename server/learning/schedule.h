// Learning on a schedule: LearnIntoIndex once at start and then at every
// interval, on a thread of its own (kb-server's [learning] section).
#ifndef KB_SERVER_LEARNING_SCHEDULE_H_
#define KB_SERVER_LEARNING_SCHEDULE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "indexer/base/error.h"
#include "server/analytics/event_store.h"
#include "server/learning/learner.h"

namespace kb::learning {

class LearningSchedule {
 public:
  // Starts learning from `events` into the index in `index_dir` every
  // `every`, the first time at once. Each run's outcome goes to `on_run`
  // or `on_error` (from the schedule's thread); a failed run (the index
  // locked by a build, say) is tried again next time. `events` must outlive
  // this object.
  LearningSchedule(analytics::EventStore& events, std::string index_dir, LearningOptions options,
                   std::chrono::milliseconds every, std::function<void(const LearnRun&)> on_run,
                   std::function<void(const Error&)> on_error);
  // Stops the thread, waiting for a run under way to finish.
  ~LearningSchedule();
  LearningSchedule(const LearningSchedule&) = delete;
  LearningSchedule& operator=(const LearningSchedule&) = delete;

 private:
  void Loop();

  analytics::EventStore& events_;
  const std::string index_dir_;
  const LearningOptions options_;
  const std::chrono::milliseconds every_;
  const std::function<void(const LearnRun&)> on_run_;
  const std::function<void(const Error&)> on_error_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above are set
};

}  // namespace kb::learning

#endif  // KB_SERVER_LEARNING_SCHEDULE_H_
