// SearcherPool over real index directories on disk: leases under concurrent
// use, generations swapped in by full builds, revisions committed by
// incremental ones, and the watcher that follows them.
#include "server/search/searcher_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

using namespace std::chrono_literals;
using testing::MakeArticle;

// The kangaroo corpus: k1..kN, all of them mentioning "enclosure".
std::vector<Article> Kangaroos(int n = 3) {
  std::vector<Article> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(MakeArticle(fmt::format("k{}", i), "en", fmt::format("Kangaroo care {}", i),
                              "Feed the kangaroo in the shared enclosure every morning."));
  }
  return out;
}

// The platypus corpus: p1..pN, also mentioning "enclosure".
std::vector<Article> Platypuses(int n = 2) {
  std::vector<Article> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(MakeArticle(fmt::format("p{}", i), "en", fmt::format("Platypus habits {}", i),
                              "The platypus swims in the river of the shared enclosure."));
  }
  return out;
}

// The wombat corpus: w0..w299, enough for tables of several blocks.
std::vector<Article> Wombats() {
  std::vector<Article> out;
  for (int i = 0; i < 300; ++i) {
    out.push_back(MakeArticle(fmt::format("w{}", i), "en", fmt::format("Wombat burrow {}", i),
                              fmt::format("The wombat digs burrow {} in the shared enclosure.", i)));
  }
  return out;
}

const std::vector<std::string> kKangarooIds = {"k1", "k2", "k3"};
const std::vector<std::string> kPlatypusIds = {"p1", "p2"};

// The ids `searcher` finds for `query`, sorted; "error: ..." when the search
// fails.
std::vector<std::string> Ids(Searcher& searcher, const std::string& query) {
  SearchRequest request;
  request.query = query;
  request.locale = "en";
  request.limit = 100;
  auto response = searcher.Search(request);
  if (!response) return {"error: " + response.error().ToString()};
  std::vector<std::string> ids;
  for (const SearchHit& hit : response->hits) ids.push_back(hit.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The live database's Xapian revision, as a reader opening it now sees it.
std::uint64_t LiveRevision(const std::string& dir) { return Xapian::Database(dir).get_revision(); }

// Polls `done` every few milliseconds until it holds or `limit` has passed;
// whether it held.
template <typename F>
bool WaitFor(F done, std::chrono::milliseconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class SearcherPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.index_paths = {dir_};
    options_.dictionary_dir = "";  // no word list: irrelevant to the pool
  }

  void Build(const std::vector<Article>& articles, const std::string& generation) {
    auto stats = BuildIndex(articles, dir_);
    ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
    ASSERT_EQ(stats->generation, generation);
  }

  void Update(const std::vector<Article>& articles) {
    auto stats = UpdateIndex(articles, dir_);
    ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
    ASSERT_FALSE(stats->full);  // the live generation, updated in place
  }

  // A pool without a watcher: it moves only when told to (Reload).
  std::unique_ptr<SearcherPool> OpenPool(std::chrono::milliseconds poll = 0ms) {
    auto pool = SearcherPool::Open(options_, poll);
    EXPECT_TRUE(pool.has_value()) << pool.error().ToString();
    return pool ? std::move(*pool) : nullptr;
  }

  static SearcherPool::Lease Take(SearcherPool& pool) {
    auto lease = pool.Acquire();
    if (!lease) throw std::runtime_error("Acquire failed: " + lease.error().ToString());
    return std::move(*lease);
  }

  // Generation, revision, documents and epoch, compared at once.
  using StatusFields = std::tuple<std::string, std::uint64_t, std::int64_t, std::uint64_t>;
  static StatusFields Fields(const IndexStatus& s) { return {s.generation, s.revision, s.documents, s.epoch}; }

  TempDir tmp_{"searcher-pool"};
  const std::string dir_ = tmp_.path() + "/index";
  SearcherOptions options_;
};

TEST_F(SearcherPoolTest, OpensAnIndexDirectoryAndReportsWhatItServes) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", LiveRevision(dir_), 3, 1));
  EXPECT_EQ(pool->Epoch(), 1u);
  SearcherPool::Lease lease = Take(*pool);
  EXPECT_EQ(lease.epoch(), 1u);
  EXPECT_EQ(lease->DocumentCount(), 3);
  EXPECT_EQ(Ids(*lease, "kangaroo"), kKangarooIds);
  EXPECT_EQ(Ids(*lease, "platypus"), std::vector<std::string>{});
}

TEST_F(SearcherPoolTest, AMissingIndexDirectoryIsNotFound) {
  options_.index_paths = {tmp_.path() + "/missing"};
  auto pool = SearcherPool::Open(options_, 0ms);
  ASSERT_FALSE(pool.has_value());
  EXPECT_EQ(pool.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(pool.error().message(),
            fmt::format("no index at {}/missing: build one with 'kb-index build'", tmp_.path()));
}

TEST_F(SearcherPoolTest, SeveralIndexesAreSearchedTogether) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  const std::string other = tmp_.path() + "/other";
  ASSERT_TRUE(BuildIndex(Platypuses(), other).has_value());
  options_.index_paths = {dir_, other};
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  // Not one kbsearch index directory: no generation or revision to follow.
  EXPECT_EQ(Fields(pool->Status()), StatusFields("", 0, 5, 1));
  SearcherPool::Lease lease = Take(*pool);
  EXPECT_EQ(Ids(*lease, "enclosure"), (std::vector<std::string>{"k1", "k2", "k3", "p1", "p2"}));
}

TEST_F(SearcherPoolTest, AReturnedSearcherIsLentAgain) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  const Searcher* first;
  {
    SearcherPool::Lease lease = Take(*pool);
    first = &*lease;
  }
  for (int i = 0; i < 5; ++i) {
    SearcherPool::Lease lease = Take(*pool);
    EXPECT_EQ(&*lease, first) << "round " << i;
  }
  const Searcher* second;
  {
    // Two at once: the idle one and a new one.
    SearcherPool::Lease a = Take(*pool);
    SearcherPool::Lease b = Take(*pool);
    EXPECT_EQ(&*a, first);
    second = &*b;
    EXPECT_NE(second, first);
    EXPECT_EQ(Ids(*b, "kangaroo"), kKangarooIds);
    // A moved lease returns its Searcher once, when the lease it moved to
    // ends; the moved-from one returns nothing.
    SearcherPool::Lease moved = std::move(b);
    EXPECT_EQ(&*moved, second);
    EXPECT_EQ(Ids(*moved, "kangaroo"), kKangarooIds);
  }
  // Both are idle again, once each: three at once are those two and a new one.
  SearcherPool::Lease x = Take(*pool);
  SearcherPool::Lease y = Take(*pool);
  SearcherPool::Lease z = Take(*pool);
  EXPECT_EQ((std::set<const Searcher*>{&*x, &*y}), (std::set<const Searcher*>{first, second}));
  EXPECT_NE(&*z, first);
  EXPECT_NE(&*z, second);
}

TEST_F(SearcherPoolTest, ConcurrentLeasesNeverShareASearcherAndAreReused) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  constexpr int kThreads = 6;
  constexpr int kRounds = 40;

  std::mutex mu;
  std::set<const Searcher*> held;  // lent right now
  std::set<const Searcher*> seen;  // ever lent
  std::size_t most_held = 0;
  std::vector<std::string> problems;
  std::atomic<int> ready{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      for (int round = 0; round < kRounds; ++round) {
        auto lease = pool->Acquire();
        if (!lease) {
          std::lock_guard<std::mutex> lock(mu);
          problems.push_back(fmt::format("thread {} round {}: {}", t, round, lease.error().ToString()));
          return;
        }
        const Searcher* s = &**lease;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!held.insert(s).second) problems.push_back(fmt::format("thread {} round {}: shared", t, round));
          seen.insert(s);
          most_held = std::max(most_held, held.size());
        }
        // The search runs while the Searcher is marked held: no other thread
        // may be given it meanwhile.
        const std::vector<std::string> ids = Ids(**lease, round % 2 == 0 ? "kangaroo" : "enclosure");
        if (ids != kKangarooIds) {
          std::lock_guard<std::mutex> lock(mu);
          problems.push_back(fmt::format("thread {} round {}: found {}", t, round, fmt::join(ids, ",")));
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          held.erase(s);
        }
      }  // the lease ends here, before the Searcher could be lent again
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(problems, std::vector<std::string>{});
  EXPECT_TRUE(held.empty());
  // A new Searcher is opened only when every other one is lent, and each
  // thread holds one lease at a time: never more Searchers than threads.
  EXPECT_GE(seen.size(), most_held);
  EXPECT_LE(seen.size(), static_cast<std::size_t>(kThreads));
  // Every one of them is idle in the pool now: taking that many at once gives
  // exactly those back, and one more is a new one.
  std::vector<SearcherPool::Lease> all;
  std::set<const Searcher*> lent;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    all.push_back(Take(*pool));
    lent.insert(&*all.back());
  }
  EXPECT_EQ(lent, seen);
  all.push_back(Take(*pool));
  EXPECT_EQ(seen.count(&*all.back()), 0u);
  EXPECT_EQ(pool->Status().epoch, 1u);
}

TEST_F(SearcherPoolTest, LeasesInFlightKeepTheirGenerationAndNewLeasesGetTheNewOne) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  SearcherPool::Lease old_lease = Take(*pool);
  ASSERT_EQ(old_lease.epoch(), 1u);
  const std::uint64_t first_revision = LiveRevision(dir_);

  ASSERT_NO_FATAL_FAILURE(Build(Platypuses(), "gen-000002"));
  // Without a watcher nothing moves until the pool is told to look.
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", first_revision, 3, 1));
  auto reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000002", LiveRevision(dir_), 2, 2));
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000002", LiveRevision(dir_), 2, 2));
  EXPECT_EQ(pool->Epoch(), 2u);

  SearcherPool::Lease new_lease = Take(*pool);
  EXPECT_EQ(new_lease.epoch(), 2u);
  EXPECT_EQ(new_lease->DocumentCount(), 2);
  EXPECT_EQ(Ids(*new_lease, "platypus"), kPlatypusIds);
  EXPECT_EQ(Ids(*new_lease, "kangaroo"), std::vector<std::string>{});
  EXPECT_EQ(Ids(*new_lease, "enclosure"), kPlatypusIds);
  // The lease taken before the switch answers from what it had.
  EXPECT_EQ(old_lease.epoch(), 1u);
  EXPECT_EQ(old_lease->DocumentCount(), 3);
  EXPECT_EQ(Ids(*old_lease, "kangaroo"), kKangarooIds);
  EXPECT_EQ(Ids(*old_lease, "enclosure"), kKangarooIds);
  EXPECT_EQ(Ids(*old_lease, "platypus"), std::vector<std::string>{});

  // Even after a third build has removed its generation's directory.
  std::vector<Article> both = Kangaroos();
  for (Article& a : Platypuses()) both.push_back(std::move(a));
  ASSERT_NO_FATAL_FAILURE(Build(both, "gen-000003"));
  ASSERT_FALSE(std::filesystem::exists(dir_ + "/gen-000001"));
  EXPECT_EQ(Ids(*old_lease, "kangaroo"), kKangarooIds);
  EXPECT_EQ(Ids(*new_lease, "platypus"), kPlatypusIds);
  reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000003", LiveRevision(dir_), 5, 3));

  // Leases of past epochs are dropped when they end, not lent again: every
  // Searcher lent from now on serves generation 3.
  { SearcherPool::Lease gone = std::move(old_lease); }
  { SearcherPool::Lease gone = std::move(new_lease); }
  std::vector<SearcherPool::Lease> now;
  for (int i = 0; i < 3; ++i) {
    now.push_back(Take(*pool));
    EXPECT_EQ(now.back().epoch(), 3u);
    EXPECT_EQ(now.back()->DocumentCount(), 5) << "lease " << i;
    EXPECT_EQ(Ids(*now.back(), "enclosure"), (std::vector<std::string>{"k1", "k2", "k3", "p1", "p2"}));
  }
}

TEST_F(SearcherPoolTest, AnIncrementalUpdateMovesTheRevisionAndTheEpoch) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  const std::uint64_t first_revision = LiveRevision(dir_);
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", first_revision, 3, 1));
  SearcherPool::Lease old_lease = Take(*pool);

  // k3 goes, p1 comes: the same generation at a new revision.
  std::vector<Article> next = Kangaroos(2);
  next.push_back(Platypuses(1)[0]);
  ASSERT_NO_FATAL_FAILURE(Update(next));
  const std::uint64_t second_revision = LiveRevision(dir_);
  ASSERT_GT(second_revision, first_revision);

  auto reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", second_revision, 3, 2));
  SearcherPool::Lease new_lease = Take(*pool);
  EXPECT_EQ(new_lease.epoch(), 2u);
  EXPECT_EQ(Ids(*new_lease, "enclosure"), (std::vector<std::string>{"k1", "k2", "p1"}));
  // The lease from before still reads the revision it opened.
  EXPECT_EQ(Ids(*old_lease, "enclosure"), kKangarooIds);

  // Nothing changed: the same status, the same epoch.
  reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", second_revision, 3, 2));

  // Another commit (k1 rewritten) moves them again.
  next[0].body_markdown = next[0].body_text = "Feed the kangaroo in the shared enclosure at noon.";
  ASSERT_NO_FATAL_FAILURE(Update(next));
  const std::uint64_t third_revision = LiveRevision(dir_);
  ASSERT_GT(third_revision, second_revision);
  reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", third_revision, 3, 3));
  EXPECT_EQ(Ids(*Take(*pool), "noon"), std::vector<std::string>{"k1"});
}

TEST_F(SearcherPoolTest, AForcedReloadReopensTheSameIndex) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  const std::uint64_t revision = LiveRevision(dir_);
  SearcherPool::Lease before = Take(*pool);
  const Searcher* before_searcher = &*before;
  { SearcherPool::Lease gone = std::move(before); }  // back in the pool

  auto reloaded = pool->Reload(/*force=*/false);
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", revision, 3, 1));
  EXPECT_EQ(&*Take(*pool), before_searcher);  // still the same Searcher

  reloaded = pool->Reload(/*force=*/true);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", revision, 3, 2));
  SearcherPool::Lease after = Take(*pool);
  EXPECT_EQ(after.epoch(), 2u);
  EXPECT_EQ(Ids(*after, "kangaroo"), kKangarooIds);
}

TEST_F(SearcherPoolTest, AnUnreadableNewGenerationLeavesTheOldOneServing) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  const std::uint64_t revision = LiveRevision(dir_);
  // The stub names a generation that is not there.
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/XAPIANDB", "auto gen-000009\n"));
  auto reloaded = pool->Reload();
  ASSERT_FALSE(reloaded.has_value());
  EXPECT_EQ(reloaded.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(reloaded.error().message(),
            fmt::format("no index at {}/gen-000009: build one with 'kb-index build'", dir_));
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", revision, 3, 1));
  EXPECT_EQ(pool->Status().degraded,
            "no index at gen-000009: build one with 'kb-index build'; serving gen-000001 as opened before");
  SearcherPool::Lease lease = Take(*pool);
  EXPECT_EQ(lease.epoch(), 1u);
  EXPECT_EQ(Ids(*lease, "kangaroo"), kKangarooIds);
  // New Searchers open what is served, not what the stub names.
  SearcherPool::Lease second = Take(*pool);
  EXPECT_EQ(Ids(*second, "kangaroo"), kKangarooIds);

  // Named again, the served generation ends the degraded state.
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/XAPIANDB", "auto gen-000001\n"));
  reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000001", revision, 3, 1));
  EXPECT_EQ(reloaded->degraded, "");
}

// Cuts the file `name` of generation `generation` to `size` bytes in place,
// as a failing disk or a careless copy would.
void Truncate(const std::string& dir, const std::string& generation, const std::string& name, std::uintmax_t size) {
  std::filesystem::resize_file(std::filesystem::path(dir) / generation / name, size);
}

TEST_F(SearcherPoolTest, ADamagedNewGenerationIsNotServed) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  const std::uint64_t revision = LiveRevision(dir_);
  ASSERT_NO_FATAL_FAILURE(Build(Platypuses(), "gen-000002"));
  Truncate(dir_, "gen-000002", "termlist.glass", 0);

  auto reloaded = pool->Reload();
  ASSERT_FALSE(reloaded.has_value());
  EXPECT_EQ(reloaded.error().code(), ErrorCode::kDataLoss);
  const std::string problem = fmt::format(
      "cannot read index {}/gen-000002: the index is damaged (DatabaseError: EOF reading block 0)", dir_);
  EXPECT_EQ(reloaded.error().message(), problem);
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", revision, 3, 1));
  EXPECT_EQ(pool->Status().degraded,
            "cannot read index gen-000002: the index is damaged (DatabaseError: EOF reading block 0); serving "
            "gen-000001 as opened before");
  std::vector<SearcherPool::Lease> leases;
  for (int i = 0; i < 3; ++i) {
    leases.push_back(Take(*pool));
    EXPECT_EQ(Ids(*leases.back(), "enclosure"), kKangarooIds) << "lease " << i;
  }
  leases.clear();

  // A good generation swapped in ends it.
  ASSERT_NO_FATAL_FAILURE(Build(Platypuses(), "gen-000003"));
  reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(Fields(*reloaded), StatusFields("gen-000003", LiveRevision(dir_), 2, 2));
  EXPECT_EQ(reloaded->degraded, "");
  EXPECT_EQ(Ids(*Take(*pool), "enclosure"), kPlatypusIds);
}

// The generation being served is damaged under the pool: it cannot be
// opened again, so every lease shares the Searchers already open on it.
TEST_F(SearcherPoolTest, AServedGenerationDamagedInPlaceKeepsServingWhatIsOpen) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool(10ms);
  ASSERT_NE(pool, nullptr);
  const std::uint64_t revision = LiveRevision(dir_);
  const Searcher* first;
  const Searcher* second;
  {
    SearcherPool::Lease a = Take(*pool);
    SearcherPool::Lease b = Take(*pool);
    first = &*a;
    second = &*b;
  }
  Truncate(dir_, "gen-000001", "termlist.glass", 0);
  const std::string problem =
      "cannot read index gen-000001: the index is damaged (DatabaseError: EOF reading block 0)";
  ASSERT_TRUE(WaitFor([&] { return !pool->Status().degraded.empty(); }));
  EXPECT_EQ(pool->Status().degraded, problem + "; serving gen-000001 as opened before");
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000001", revision, 3, 1));

  SearcherPool::Lease x = Take(*pool);
  SearcherPool::Lease y = Take(*pool);
  EXPECT_EQ((std::set<const Searcher*>{&*x, &*y}), (std::set<const Searcher*>{first, second}));
  EXPECT_EQ(Ids(*x, "kangaroo"), kKangarooIds);
  EXPECT_EQ(Ids(*y, "enclosure"), kKangarooIds);
  // A third lease cannot open a new Searcher: it waits for one of these.
  const Searcher* const returned = &*y;
  std::atomic<const Searcher*> third{nullptr};
  std::vector<std::string> third_ids;
  std::thread waiter([&] {
    SearcherPool::Lease z = Take(*pool);
    third_ids = Ids(*z, "kangaroo");
    third = &*z;
  });
  std::this_thread::sleep_for(50ms);  // let it find no Searcher to open
  { SearcherPool::Lease gone = std::move(y); }
  waiter.join();
  EXPECT_EQ(third.load(), returned);
  EXPECT_EQ(third_ids, kKangarooIds);
  EXPECT_EQ(pool->Status().degraded, problem + "; serving gen-000001 as opened before");

  // A rebuild swaps in a good generation, which the watcher moves to.
  ASSERT_NO_FATAL_FAILURE(Build(Platypuses(), "gen-000002"));
  ASSERT_TRUE(WaitFor([&] { return pool->Status().generation == "gen-000002"; }));
  EXPECT_EQ(pool->Status().degraded, "");
  EXPECT_EQ(Ids(*Take(*pool), "enclosure"), kPlatypusIds);
}

// A search that reads a damaged block fails with kDataLoss, and the pool
// says so until another index is served.
TEST_F(SearcherPoolTest, ASearchThatMeetsDamageMarksThePoolDegraded) {
  std::vector<Article> wombats = Wombats();
  ASSERT_NO_FATAL_FAILURE(Build(wombats, "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  SearcherPool::Lease lease = Take(*pool);
  // The stored articles lose their first block, which the open Searcher
  // has not read yet, and which a search with explanations reads (a page
  // of results reads only value slots).
  {
    std::fstream f(dir_ + "/gen-000001/docdata.glass", std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(8192, 'x');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  SearchRequest request;
  request.query = "wombat";
  request.locale = "en";
  request.explain = true;
  auto found = lease->Search(request);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kDataLoss);
  const std::string problem =
      "search failed: the index is damaged (DatabaseCorruptError: dir_end invalid in block 0)";
  EXPECT_EQ(found.error().message(), problem);
  EXPECT_EQ(lease->Damage(), problem);
  EXPECT_EQ(pool->Status().degraded, "");  // known when the lease ends
  { SearcherPool::Lease gone = std::move(lease); }
  EXPECT_EQ(pool->Status().degraded, problem);

  ASSERT_NO_FATAL_FAILURE(Build(wombats, "gen-000002"));
  auto reloaded = pool->Reload();
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().ToString();
  EXPECT_EQ(reloaded->degraded, "");
  auto again = Take(*pool)->Search(request);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->total_estimate, 300);
}

TEST_F(SearcherPoolTest, TheWatcherFollowsNewGenerationsAndRevisions) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool(10ms);
  ASSERT_NE(pool, nullptr);
  SearcherPool::Lease old_lease = Take(*pool);

  ASSERT_NO_FATAL_FAILURE(Build(Platypuses(), "gen-000002"));
  ASSERT_TRUE(WaitFor([&] { return pool->Status().generation == "gen-000002"; })) << pool->Status().generation;
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000002", LiveRevision(dir_), 2, 2));
  SearcherPool::Lease new_lease = Take(*pool);
  EXPECT_EQ(new_lease.epoch(), 2u);
  EXPECT_EQ(Ids(*new_lease, "enclosure"), kPlatypusIds);
  EXPECT_EQ(Ids(*old_lease, "enclosure"), kKangarooIds);

  const std::uint64_t before = LiveRevision(dir_);
  std::vector<Article> more = Platypuses(3);
  ASSERT_NO_FATAL_FAILURE(Update(more));
  const std::uint64_t after = LiveRevision(dir_);
  ASSERT_GT(after, before);
  ASSERT_TRUE(WaitFor([&] { return pool->Status().revision == after; })) << pool->Status().revision;
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000002", after, 3, 3));
  SearcherPool::Lease newest = Take(*pool);
  EXPECT_EQ(newest.epoch(), 3u);
  EXPECT_EQ(Ids(*newest, "enclosure"), (std::vector<std::string>{"p1", "p2", "p3"}));
}

// Xapian keeps a revision readable only until the next commits reuse its
// blocks; a Searcher opened before them reopens the database and answers
// from what is live then, instead of failing.
TEST_F(SearcherPoolTest, LeasesHeldAcrossSeveralCommitsStillAnswer) {
  std::vector<Article> wombats = Wombats();
  ASSERT_NO_FATAL_FAILURE(Build(wombats, "gen-000001"));
  auto pool = OpenPool();
  ASSERT_NE(pool, nullptr);
  SearcherPool::Lease search = Take(*pool);
  SearcherPool::Lease typo = Take(*pool);
  SearcherPool::Lease article = Take(*pool);
  SearcherPool::Lease suggest = Take(*pool);
  // Three commits, each rewriting every article.
  for (int round = 1; round <= 3; ++round) {
    for (Article& a : wombats) {
      a.body_markdown = a.body_text = fmt::format("The wombat digs burrow {} in round {}.", a.id, round);
    }
    ASSERT_NO_FATAL_FAILURE(Update(wombats));
  }

  SearchRequest request;
  request.query = "wombat";
  request.locale = "en";
  auto found = search->Search(request);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->total_estimate, 300);
  EXPECT_EQ(found->did_you_mean, "");

  request.query = "wombt";
  found = typo->Search(request);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->total_estimate, 300);
  EXPECT_EQ(found->did_you_mean, "wombat");

  ArticleRequest lookup;
  lookup.id = "w7";
  lookup.locale = "en";
  auto w7 = article->GetArticle(lookup);
  ASSERT_TRUE(w7.has_value()) << w7.error().ToString();
  EXPECT_EQ(w7->body_markdown, "The wombat digs burrow w7 in round 3.");

  SuggestRequest prefix;
  prefix.query = "wom";
  prefix.locale = "en";
  prefix.limit = 3;
  auto titles = suggest->Suggest(prefix);
  ASSERT_TRUE(titles.has_value()) << titles.error().ToString();
  EXPECT_EQ(titles->size(), 3u);
}

// Searches never fail, and each answers wholly from one generation, while
// full builds swap generations in under concurrent load and the watcher
// follows them.
TEST_F(SearcherPoolTest, NoSearchFailsWhileGenerationsAreSwappedUnderLoad) {
  ASSERT_NO_FATAL_FAILURE(Build(Kangaroos(), "gen-000001"));
  auto pool = OpenPool(5ms);
  ASSERT_NE(pool, nullptr);
  constexpr int kSearchThreads = 3;
  constexpr int kBuilds = 6;          // generations 2..7, alternating corpora
  constexpr int kMostRounds = 20000;  // per thread, whatever happens

  std::atomic<bool> building{true};
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<int> rounds(kSearchThreads, 0);

  std::vector<std::thread> searchers;
  for (int t = 0; t < kSearchThreads; ++t) {
    searchers.emplace_back([&, t] {
      for (int round = 0; round < kMostRounds && building.load(); ++round) {
        auto lease = pool->Acquire();
        if (!lease) {
          std::lock_guard<std::mutex> lock(mu);
          problems.push_back(fmt::format("acquire: {}", lease.error().ToString()));
          continue;
        }
        const std::vector<std::string> ids = Ids(**lease, "enclosure");
        const std::int64_t documents = (*lease)->DocumentCount();
        const bool kangaroos = ids == kKangarooIds && documents == 3;
        const bool platypuses = ids == kPlatypusIds && documents == 2;
        std::lock_guard<std::mutex> lock(mu);
        ++rounds[t];
        if (!kangaroos && !platypuses) {
          problems.push_back(fmt::format("found {} in {} documents", fmt::join(ids, ","), documents));
        }
      }
    });
  }

  std::string build_problem;
  for (int i = 0; i < kBuilds && build_problem.empty(); ++i) {
    const std::string generation = fmt::format("gen-{:06}", i + 2);
    auto stats = BuildIndex(i % 2 == 0 ? Platypuses() : Kangaroos(), dir_);
    if (!stats || stats->generation != generation) {
      build_problem = stats ? stats->generation : stats.error().ToString();
    } else if (!WaitFor([&] { return pool->Status().generation == generation; })) {
      build_problem = "the watcher did not move to " + generation;
    }
  }
  building.store(false);
  for (std::thread& t : searchers) t.join();

  EXPECT_EQ(build_problem, "");
  EXPECT_EQ(problems, std::vector<std::string>{});
  for (int t = 0; t < kSearchThreads; ++t) EXPECT_GT(rounds[t], 0) << "thread " << t;
  EXPECT_EQ(Fields(pool->Status()), StatusFields("gen-000007", LiveRevision(dir_), 3, 7));
  SearcherPool::Lease last = Take(*pool);
  EXPECT_EQ(last.epoch(), 7u);
  EXPECT_EQ(Ids(*last, "enclosure"), kKangarooIds);
}

}  // namespace
}  // namespace kb::search
