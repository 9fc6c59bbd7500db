// kill -9 of kb-index at random moments of full and incremental builds: the
// served index must stay intact and searchable, and the next build succeed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"

namespace kb {
namespace {

// A JSONL corpus of `n` articles; `version` changes every tenth body.
void WriteCorpus(const std::string& path, int n, int version) {
  std::ofstream out(path, std::ios::trunc);
  for (int i = 0; i < n; ++i) {
    const int v = i % 10 == 0 ? version : 0;
    out << fmt::format(
        R"({{"id": "a{}", "title": "Article {} about syncing files", "locale": "en", "text": "Body {} of article {} )"
        R"(with words like password, invoice, refund, sync and share, repeated to make it long: {}"}})",
        i, i, v, i, std::string(400, 'x') + " version" + std::to_string(v))
        << "\n";
  }
}

// Runs kb-index with `args`, killing it with SIGKILL after `kill_after`
// (never, if negative). Returns the wait status.
int RunKbIndex(std::vector<std::string> args, std::chrono::milliseconds kill_after) {
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    std::string bin = KB_INDEX_BIN;
    argv.push_back(bin.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  if (kill_after.count() >= 0) {
    std::this_thread::sleep_for(kill_after);
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The index as a reader sees it: its document count, and whether a search
// runs.
Xapian::doccount Searchable(const std::string& index) {
  Xapian::Database db(index);
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query("Zpassword"));
  const Xapian::MSet mset = enquire.get_mset(0, 10);
  EXPECT_EQ(mset.size(), 10u);
  return db.get_doccount();
}

TEST(CrashTest, KillingBuildsAtRandomNeverBreaksTheServedIndex) {
  TempDir tmp("crash");
  const std::string corpus = tmp.path() + "/corpus.jsonl";
  const std::string index = tmp.path() + "/index";
  constexpr int kArticles = 1500;
  WriteCorpus(corpus, kArticles, 1);
  ASSERT_EQ(WEXITSTATUS(RunKbIndex({"build", "--corpus", corpus, "--index", index}, std::chrono::milliseconds(-1))), 0);
  ASSERT_EQ(Searchable(index), static_cast<Xapian::doccount>(kArticles));

  std::mt19937 rng(20261123);  // fixed: a failure can be replayed
  int killed = 0;
  for (int round = 0; round < 16; ++round) {
    // Alternate incremental updates (a tenth of the articles changed) and
    // full rebuilds, killed anywhere from start-up to the final swap.
    WriteCorpus(corpus, kArticles, round + 2);
    std::vector<std::string> args = {"build", "--corpus", corpus, "--index", index};
    if (round % 2 == 1) args.push_back("--full");
    const auto after = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 900)(rng));
    const int status = RunKbIndex(args, after);
    killed += WIFSIGNALED(status);
    SCOPED_TRACE(fmt::format("round {}, killed after {} ms", round, after.count()));
    ASSERT_EQ(Searchable(index), static_cast<Xapian::doccount>(kArticles));
  }
  EXPECT_GT(killed, 0);  // the kills did land mid-build
  // The next build, full or not, succeeds and sees the last corpus.
  ASSERT_EQ(WEXITSTATUS(RunKbIndex({"build", "--corpus", corpus, "--index", index}, std::chrono::milliseconds(-1))), 0);
  ASSERT_EQ(Searchable(index), static_cast<Xapian::doccount>(kArticles));
  Xapian::Database db(index);
  EXPECT_EQ(db.get_termfreq("Zversion17"), static_cast<Xapian::doccount>(kArticles / 10));
  ASSERT_EQ(
      WEXITSTATUS(RunKbIndex({"build", "--corpus", corpus, "--index", index, "--full"}, std::chrono::milliseconds(-1))),
      0);
  EXPECT_EQ(Searchable(index), static_cast<Xapian::doccount>(kArticles));
}

}  // namespace
}  // namespace kb
