#include "server/api/reindex_jobs.h"

#include <chrono>

#include <fmt/core.h>

#include "indexer/build/build.h"
#include "indexer/base/caught.h"
#include "indexer/base/ids.h"
#include "indexer/base/time.h"

namespace kb::api {

namespace {

constexpr std::size_t kKeptJobs = 20;

}  // namespace

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kRunning: return "running";
    case JobStatus::kSucceeded: return "succeeded";
    case JobStatus::kFailed: return "failed";
  }
  return "failed";
}

ReindexJobs::~ReindexJobs() {
  if (worker_.joinable()) worker_.join();
}

Result<std::string> ReindexJobs::Start(const std::string& corpus, const std::string& index_dir, bool full) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!running_.empty()) {
    return Fail(Error::FailedPrecondition(fmt::format("reindex job {} is still running; wait for it to finish", running_)));
  }
  if (worker_.joinable()) worker_.join();  // the last job's thread, already done
  ReindexJob job;
  job.id = RandomId().substr(0, 16);
  job.started_ms = NowMs();
  job.full = full;
  jobs_[job.id] = job;
  order_.push_back(job.id);
  while (order_.size() > kKeptJobs) {
    jobs_.erase(order_.front());
    order_.pop_front();
  }
  running_ = job.id;
  worker_ = std::thread([this, id = job.id, corpus, index_dir, full] { Run(id, corpus, index_dir, full); });
  return job.id;
}

std::optional<ReindexJob> ReindexJobs::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void ReindexJobs::Update(const std::string& id, const std::function<void(ReindexJob&)>& f) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = jobs_.find(id); it != jobs_.end()) f(it->second);
}

void ReindexJobs::Run(std::string id, std::string corpus_path, std::string index_dir, bool full) {
  auto finish = [&](std::optional<BuildStats> result, std::vector<Error> errors) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = jobs_.find(id); it != jobs_.end()) {
      it->second.status = result ? JobStatus::kSucceeded : JobStatus::kFailed;
      it->second.finished_ms = NowMs();
      it->second.result = std::move(result);
      it->second.errors = std::move(errors);
    }
    running_.clear();
  };
  // Whatever a library throws fails the job, with its message; it must not
  // reach the thread's top, which would end the server.
  try {
    CorpusBuildOptions options;
    options.index.full = full;
    options.index.progress = [&](std::size_t done, std::size_t total) {
      Update(id, [&](ReindexJob& j) {
        j.done = done;
        j.total = total;
      });
    };
    auto build = BuildFromCorpus(corpus_path, index_dir, options);
    if (!build) return finish(std::nullopt, std::move(build.error().errors));  // the index is not touched
    if (after_) after_();
    finish(build->stats, {});
  } catch (...) {
    finish(std::nullopt, {CaughtError("reindex failed")});
  }
}

}  // namespace kb::api
