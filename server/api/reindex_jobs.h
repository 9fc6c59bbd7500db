// Reindex jobs started over the admin API: one at a time, in the
// background, each remembered with its progress, result and per-article
// errors. Whatever a job's thread meets, returned or thrown, fails that job
// with a message; it never ends the process. Safe for concurrent use.
#ifndef KB_SERVER_API_REINDEX_JOBS_H_
#define KB_SERVER_API_REINDEX_JOBS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/writer/index_writer.h"

namespace kb::api {

enum class JobStatus { kRunning, kSucceeded, kFailed };

// "running", "succeeded", "failed": as the API reports it.
std::string_view JobStatusName(JobStatus status);

struct ReindexJob {
  std::string id;
  JobStatus status = JobStatus::kRunning;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;  // 0 while running
  bool full = false;             // asked for a full rebuild
  std::size_t done = 0, total = 0;  // articles written so far, of total
  std::optional<BuildStats> result;
  std::vector<Error> errors;  // the corpus's problems (path:line), or the failure
};

class ReindexJobs {
 public:
  // `after` runs once a job has updated the index (the server reloads).
  explicit ReindexJobs(std::function<void()> after) : after_(std::move(after)) {}
  ~ReindexJobs();
  ReindexJobs(const ReindexJobs&) = delete;
  ReindexJobs& operator=(const ReindexJobs&) = delete;

  // Starts reindexing `corpus` into `index_dir`; the job's id, or
  // kFailedPrecondition naming the job still running.
  Result<std::string> Start(const std::string& corpus, const std::string& index_dir, bool full);

  std::optional<ReindexJob> Get(const std::string& id) const;

 private:
  void Run(std::string id, std::string corpus, std::string index_dir, bool full);
  void Update(const std::string& id, const std::function<void(ReindexJob&)>& f);

  std::function<void()> after_;
  mutable std::mutex mu_;
  std::map<std::string, ReindexJob> jobs_;
  std::deque<std::string> order_;  // oldest first; only the last few are kept
  std::string running_;
  std::thread worker_;
};

}  // namespace kb::api

#endif  // KB_SERVER_API_REINDEX_JOBS_H_
