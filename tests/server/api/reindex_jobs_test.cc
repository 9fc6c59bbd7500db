// ReindexJobs on real corpus directories and real index directories: results,
// progress, failures that leave the index alone, one job at a time, and the
// jobs remembered.
#include "server/api/reindex_jobs.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "indexer/index_dir.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

using namespace std::chrono_literals;
using testing::Article;
using testing::WriteFile;

// Blocks the `after` callback until opened, so that a job stays running for
// as long as a test needs it to.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  // Whether a caller is waiting at the gate, within `limit`.
  bool Reached(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, limit, [&] { return waiting_ > 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

class ReindexJobsTest : public ::testing::Test {
 protected:
  void WriteArticle(const std::string& id, const std::string& title, const std::string& body) {
    WriteFile(corpus_, fmt::format("en/misc/{}.md", id), Article(id, title, body));
  }

  // Polls the job until it is no longer running (at most 60 s).
  ReindexJob Wait(ReindexJobs& jobs, const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      std::optional<ReindexJob> job = jobs.Get(id);
      if (!job) {
        ADD_FAILURE() << "job " << id << " is gone";
        return {};
      }
      if (job->status != JobStatus::kRunning) return *job;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "job " << id << " still running";
        return *job;
      }
      std::this_thread::sleep_for(5ms);
    }
  }

  std::string StartOk(ReindexJobs& jobs, bool full = false) {
    auto id = jobs.Start(corpus_, index_, full);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }

  static std::tuple<int, int, int, int> Counts(const BuildStats& s) {
    return {s.added, s.updated, s.deleted, s.unchanged};
  }

  TempDir tmp_{"reindex-jobs"};
  const std::string corpus_ = tmp_.path() + "/corpus";
  const std::string index_ = tmp_.path() + "/index";
  std::atomic<int> after_calls_{0};
};

TEST_F(ReindexJobsTest, AJobIndexesTheCorpusAndReportsWhatItDid) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  WriteArticle("a1", "Kangaroo sleeping", "Kangaroos sleep in the shade.");
  WriteArticle("a2", "Kangaroo jumping", "Kangaroos jump far.");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });

  const std::int64_t before_ms = NowMs();
  const std::string id = StartOk(jobs);
  EXPECT_EQ(id.size(), 16u);
  ReindexJob job = Wait(jobs, id);
  EXPECT_EQ(job.id, id);
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  EXPECT_FALSE(job.full);
  EXPECT_GE(job.started_ms, before_ms);
  EXPECT_GE(job.finished_ms, job.started_ms);
  EXPECT_LE(job.finished_ms, NowMs());
  EXPECT_TRUE(job.errors.empty()) << job.errors[0].ToString();
  ASSERT_TRUE(job.result.has_value());
  EXPECT_TRUE(job.result->full);  // no index yet: a first generation
  EXPECT_EQ(job.result->generation, "gen-000001");
  EXPECT_EQ(job.result->articles, 3);
  EXPECT_EQ(Counts(*job.result), std::tuple(3, 0, 0, 0));
  EXPECT_EQ(std::tuple(job.done, job.total), std::tuple(3u, 3u));
  EXPECT_EQ(after_calls_.load(), 1);
  EXPECT_EQ(Xapian::Database(index_).get_doccount(), 3u);

  // a1 changes, a2 goes, a3 comes: the live generation updated in place.
  WriteArticle("a1", "Kangaroo sleeping", "Kangaroos sleep in the shade at noon.");
  std::filesystem::remove(corpus_ + "/en/misc/a2.md");
  WriteArticle("a3", "Kangaroo boxing", "Kangaroos box.");
  const std::string second = StartOk(jobs);
  EXPECT_NE(second, id);
  job = Wait(jobs, second);
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  ASSERT_TRUE(job.result.has_value());
  EXPECT_FALSE(job.result->full);
  EXPECT_EQ(job.result->generation, "gen-000001");
  EXPECT_EQ(job.result->articles, 3);
  EXPECT_EQ(Counts(*job.result), std::tuple(1, 1, 1, 1));
  EXPECT_EQ(std::tuple(job.done, job.total), std::tuple(2u, 2u));  // only what changed is written
  EXPECT_EQ(after_calls_.load(), 2);
  EXPECT_EQ(Xapian::Database(index_).get_doccount(), 3u);
  // The first job is still there, as it ended.
  std::optional<ReindexJob> first = jobs.Get(id);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, JobStatus::kSucceeded);
  ASSERT_TRUE(first->result.has_value());
  EXPECT_EQ(Counts(*first->result), std::tuple(3, 0, 0, 0));
}

TEST_F(ReindexJobsTest, AFullJobBuildsANewGeneration) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  ASSERT_EQ(Wait(jobs, StartOk(jobs)).status, JobStatus::kSucceeded);
  const ReindexJob job = Wait(jobs, StartOk(jobs, /*full=*/true));
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  EXPECT_TRUE(job.full);
  ASSERT_TRUE(job.result.has_value());
  EXPECT_TRUE(job.result->full);
  EXPECT_EQ(job.result->generation, "gen-000002");
  EXPECT_EQ(Counts(*job.result), std::tuple(1, 0, 0, 0));
  EXPECT_EQ(std::tuple(job.done, job.total), std::tuple(1u, 1u));
  EXPECT_EQ(after_calls_.load(), 2);
  EXPECT_EQ(*index_dir::LiveGeneration(index_), "gen-000002");
}

TEST_F(ReindexJobsTest, ASecondStartWhileOneRunsNamesTheRunningJob) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  Gate gate;
  ReindexJobs jobs([&] {
    after_calls_.fetch_add(1);
    gate.Wait();
  });
  struct OpenOnExit {
    Gate& gate;
    ~OpenOnExit() { gate.Open(); }  // before `jobs` joins its worker
  } open_on_exit{gate};

  const std::string id = StartOk(jobs);
  ASSERT_TRUE(gate.Reached(60s));  // the index is written; the job is not finished yet
  std::optional<ReindexJob> running = jobs.Get(id);
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->status, JobStatus::kRunning);
  EXPECT_EQ(running->finished_ms, 0);
  EXPECT_FALSE(running->result.has_value());
  EXPECT_EQ(std::tuple(running->done, running->total), std::tuple(1u, 1u));

  auto refused = jobs.Start(corpus_, index_, /*full=*/true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(), fmt::format("reindex job {} is still running; wait for it to finish", id));

  gate.Open();
  const ReindexJob done = Wait(jobs, id);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(after_calls_.load(), 1);
  // Free again: the next job runs (and passes the open gate).
  const ReindexJob next = Wait(jobs, StartOk(jobs));
  EXPECT_EQ(next.status, JobStatus::kSucceeded);
  ASSERT_TRUE(next.result.has_value());
  EXPECT_EQ(Counts(*next.result), std::tuple(0, 0, 0, 1));
  EXPECT_EQ(after_calls_.load(), 2);
}

TEST_F(ReindexJobsTest, ABadCorpusFailsTheJobWithEveryProblemAndLeavesTheIndexAlone) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  WriteArticle("a1", "Kangaroo sleeping", "Kangaroos sleep in the shade.");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  ASSERT_EQ(Wait(jobs, StartOk(jobs)).status, JobStatus::kSucceeded);
  const std::uint64_t revision = Xapian::Database(index_).get_revision();

  WriteArticle("a1", "Kangaroo sleeping", "Changed, but not to be indexed.");
  WriteFile(corpus_, "en/misc/bad.md", "---\ntitle: \"No id\"\n---\nBody.\n");
  WriteFile(corpus_, "synonyms/en.txt", "roo, kangaroo\nlonely\n");
  const ReindexJob job = Wait(jobs, StartOk(jobs));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_GT(job.finished_ms, 0);
  EXPECT_FALSE(job.result.has_value());
  EXPECT_EQ(std::tuple(job.done, job.total), std::tuple(0u, 0u));
  ASSERT_EQ(job.errors.size(), 2u);
  EXPECT_EQ(job.errors[0].code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(job.errors[0].where().path, corpus_ + "/en/misc/bad.md");
  EXPECT_EQ(job.errors[0].where().line, 1);
  EXPECT_EQ(job.errors[0].message(), "missing required field 'id'");
  EXPECT_EQ(job.errors[1].code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(job.errors[1].where().path, corpus_ + "/synonyms/en.txt");
  EXPECT_EQ(job.errors[1].where().line, 2);
  EXPECT_EQ(job.errors[1].message(), "synonym group 'lonely' has one entry: list at least two, separated by commas");
  // The index is untouched and nobody was told to reload.
  EXPECT_EQ(after_calls_.load(), 1);
  EXPECT_EQ(*index_dir::LiveGeneration(index_), "gen-000001");
  Xapian::Database db(index_);
  EXPECT_EQ(db.get_revision(), revision);
  EXPECT_EQ(db.get_doccount(), 2u);
}

TEST_F(ReindexJobsTest, AnArticleWhoseEscapeMakesInvalidUtf8FailsTheJobWithItsLine) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  WriteFile(corpus_, "en/misc/escape.md", "---\nid: escape\ntitle: \"a\\N b\"\n---\nBody.\n");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  const ReindexJob job = Wait(jobs, StartOk(jobs));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  ASSERT_EQ(job.errors.size(), 1u);
  EXPECT_EQ(job.errors[0].ToString(),
            corpus_ + "/en/misc/escape.md:3: error: field 'title' is not valid UTF-8 (byte 0x85 at byte 2); YAML's "
                      "\\N escape gives this byte: write \\u0085 instead");
  EXPECT_EQ(after_calls_.load(), 0);
}

// Whatever is thrown on the job's thread fails the job with its message
// instead of ending the process.
TEST_F(ReindexJobsTest, AnExceptionOnTheJobsThreadFailsTheJob) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  ReindexJobs jobs([&] {
    if (after_calls_.fetch_add(1) == 0) throw std::runtime_error("reload failed");
  });
  const ReindexJob job = Wait(jobs, StartOk(jobs));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_GT(job.finished_ms, 0);
  EXPECT_FALSE(job.result.has_value());
  ASSERT_EQ(job.errors.size(), 1u);
  EXPECT_EQ(job.errors[0].code(), ErrorCode::kInternal);
  EXPECT_EQ(job.errors[0].message(), "reindex failed: reload failed");
  // The next job runs.
  EXPECT_EQ(Wait(jobs, StartOk(jobs)).status, JobStatus::kSucceeded);
}

TEST_F(ReindexJobsTest, AMissingCorpusFailsTheJob) {
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  auto id = jobs.Start(tmp_.path() + "/missing", index_, false);
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  const ReindexJob job = Wait(jobs, *id);
  EXPECT_EQ(job.status, JobStatus::kFailed);
  ASSERT_EQ(job.errors.size(), 1u);
  EXPECT_EQ(job.errors[0].code(), ErrorCode::kNotFound);
  EXPECT_EQ(job.errors[0].message(), "corpus not found: " + tmp_.path() + "/missing");
  EXPECT_EQ(after_calls_.load(), 0);
  EXPECT_FALSE(std::filesystem::exists(index_));
}

TEST_F(ReindexJobsTest, ADirectoryThatIsNotAnIndexFailsTheJobAndKeepsItsFiles) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  WriteFile(index_, "precious.txt", "keep me");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  const ReindexJob job = Wait(jobs, StartOk(jobs));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  ASSERT_EQ(job.errors.size(), 1u);
  EXPECT_EQ(job.errors[0].code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(job.errors[0].message(),
            index_ + " is not empty and is not a kbsearch index directory; refusing to write there");
  EXPECT_EQ(after_calls_.load(), 0);
  EXPECT_TRUE(std::filesystem::exists(index_ + "/precious.txt"));
}

TEST_F(ReindexJobsTest, AnUnknownJobIsNotFound) {
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  EXPECT_FALSE(jobs.Get("0123456789abcdef").has_value());
  EXPECT_FALSE(jobs.Get("").has_value());
}

TEST_F(ReindexJobsTest, OnlyTheLastTwentyJobsAreKept) {
  WriteArticle("a0", "Kangaroo feeding", "Kangaroos eat grass.");
  ReindexJobs jobs([&] { after_calls_.fetch_add(1); });
  std::vector<std::string> ids;
  ids.push_back(StartOk(jobs));
  ASSERT_EQ(Wait(jobs, ids[0]).status, JobStatus::kSucceeded);
  // Twenty more, failing fast on a missing corpus.
  for (int i = 0; i < 20; ++i) {
    auto id = jobs.Start(tmp_.path() + "/missing", index_, false);
    ASSERT_TRUE(id.has_value()) << "job " << i + 1 << ": " << id.error().ToString();
    ids.push_back(*id);
    ASSERT_EQ(Wait(jobs, *id).status, JobStatus::kFailed);
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 21u);
  EXPECT_FALSE(jobs.Get(ids[0]).has_value());  // the oldest is forgotten
  for (std::size_t i = 1; i < ids.size(); ++i) {
    std::optional<ReindexJob> job = jobs.Get(ids[i]);
    ASSERT_TRUE(job.has_value()) << "job " << i;
    EXPECT_EQ(job->status, JobStatus::kFailed);
  }
  EXPECT_EQ(after_calls_.load(), 1);
}

}  // namespace
}  // namespace kb::api
