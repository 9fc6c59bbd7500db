#include "indexer/index_dir.h"
#include "indexer/writer/index_writer.h"

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <thread>
#include <tuple>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "indexer/schema.h"
#include "tests/test_files.h"

namespace kb {
namespace {

namespace fs = std::filesystem;

std::vector<Article> Articles(std::initializer_list<std::pair<const char*, const char*>> items) {
  std::vector<Article> out;
  for (const auto& [id, title] : items) {
    Article a;
    a.id = id;
    a.title = title;
    a.locale = "en";
    out.push_back(a);
  }
  return out;
}

Xapian::doccount DocCount(const std::string& dir) { return Xapian::Database(dir).get_doccount(); }

TEST(IndexWriterTest, BuildsAGenerationAndPointsTheStubAtIt) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  auto stats = BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}}), dir);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ(stats->articles, 2);
  EXPECT_EQ(stats->generation, "gen-000001");
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000001");
  EXPECT_EQ(DocCount(dir), 2u);
}

TEST(IndexWriterTest, EachBuildSwapsInANewGenerationAndKeepsOnlyThePrevious) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}}), dir));
  Xapian::Database reader(dir);  // a reader of generation 1
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}}), dir));
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}, {"c", "Gamma"}}), dir));
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000003");
  EXPECT_EQ(DocCount(dir), 3u);
  EXPECT_FALSE(fs::exists(dir + "/gen-000001"));
  EXPECT_TRUE(fs::exists(dir + "/gen-000002"));
  EXPECT_TRUE(fs::exists(dir + "/gen-000003"));
  // The old reader still answers from what it opened.
  EXPECT_EQ(reader.get_doccount(), 1u);
}

TEST(IndexWriterTest, UpdatesTheLiveGenerationInPlace) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  auto first = UpdateIndex(Articles({{"a", "Alpha"}, {"b", "Bravo"}, {"c", "Charlie"}}), dir);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(first->full);  // no index yet: a new generation
  EXPECT_EQ(first->added, 3);
  Xapian::Database reader(dir);
  const Xapian::rev before = reader.get_revision();

  std::vector<Article> next = Articles({{"a", "Alpha"}, {"b", "Bravissimo"}, {"d", "Delta"}});
  auto stats = UpdateIndex(next, dir);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_FALSE(stats->full);
  EXPECT_EQ(stats->generation, "gen-000001");
  EXPECT_EQ(std::tuple(stats->added, stats->updated, stats->deleted, stats->unchanged), std::tuple(1, 1, 1, 1));
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000001");
  Xapian::Database after(dir);
  EXPECT_GT(after.get_revision(), before);
  EXPECT_EQ(after.get_doccount(), 3u);
  EXPECT_EQ(after.get_termfreq("Qen:c"), 0u);
  EXPECT_EQ(after.get_termfreq("Qen:d"), 1u);
  // The spelling data follows the text: "charlie" and "bravo" are gone.
  EXPECT_EQ(after.get_spelling_suggestion("charly"), "");
  EXPECT_EQ(after.get_spelling_suggestion("bravisimo"), "bravissimo");
  EXPECT_EQ(after.get_spelling_suggestion("brava"), "");
  // The reader opened before still answers from its revision until reopened.
  EXPECT_EQ(reader.get_termfreq("Qen:c"), 1u);

  // Unchanged input writes nothing.
  stats = UpdateIndex(next, dir);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(std::tuple(stats->added, stats->updated, stats->deleted, stats->unchanged), std::tuple(0, 0, 0, 3));
  // --full builds a new generation.
  BuildOptions full;
  full.full = true;
  stats = UpdateIndex(next, dir, {}, full);
  ASSERT_TRUE(stats.has_value());
  EXPECT_TRUE(stats->full);
  EXPECT_EQ(stats->generation, "gen-000002");
}

// What a build stamped on the live database: the generation and when.
std::pair<std::string, std::int64_t> StampOf(const std::string& dir) {
  Xapian::Database db(dir);
  return {db.get_metadata(std::string(schema::kMetaGeneration)),
          std::stoll("0" + db.get_metadata(std::string(schema::kMetaBuiltMs)))};
}

TEST(IndexWriterTest, EveryCommitStampsTheGenerationAndTheTime) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  const std::int64_t t0 = NowMs();
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Bravo"}}), dir));
  auto [generation, built] = StampOf(dir);
  EXPECT_EQ(generation, "gen-000001");
  EXPECT_GE(built, t0);
  EXPECT_LE(built, NowMs());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::int64_t t1 = NowMs();
  ASSERT_TRUE(UpdateIndex(Articles({{"a", "Alpha"}, {"b", "Bravissimo"}}), dir));
  std::tie(generation, built) = StampOf(dir);
  EXPECT_EQ(generation, "gen-000001");
  EXPECT_GE(built, t1);
  BuildOptions full;
  full.full = true;
  ASSERT_TRUE(UpdateIndex(Articles({{"a", "Alpha"}}), dir, {}, full));
  EXPECT_EQ(StampOf(dir).first, "gen-000002");
}

TEST(IndexWriterTest, ReadsTheStubsOfItsOwnBuildsAndOfXapianReplication) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  fs::create_directories(dir);
  auto stub = [&](const std::string& text) {
    testing::WriteFile(dir, "XAPIANDB", text);
    return index_dir::LiveGeneration(dir);
  };
  EXPECT_EQ(stub("auto gen-000042\n").value_or("?"), "gen-000042");
  // As xapian-replicate writes it.
  EXPECT_EQ(stub("# Automatically generated by Xapian::DatabaseReplica v1.4.22.\n"
                 "# Do not manually edit - replication operations may regenerate this file.\n"
                 "auto replica_1\n")
                .value_or("?"),
            "replica_1");
  for (const char* bad : {"auto gen-x\n", "auto replica_\n", "remote tcp://db:7010\n", "auto gen-000001 gen-000002\n",
                          "# only a comment\n"}) {
    auto refused = stub(bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss) << bad;
    EXPECT_EQ(refused.error().message(), "unexpected index stub in " + dir) << bad;
  }
}

TEST(IndexWriterTest, AnArticlesSpellingMovesWithItsAudience) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  std::vector<Article> articles = Articles({{"a", "Quarterly dunning"}});
  articles[0].audience = ArticleAudience::kInternal;
  ASSERT_TRUE(UpdateIndex(articles, dir).has_value());
  {
    Xapian::Database db(dir);
    EXPECT_EQ(db.get_spelling_suggestion("dunnig"), "");
    EXPECT_EQ(db.get_spelling_suggestion(schema::InternalSpelling("dunnig")), schema::InternalSpelling("dunning"));
  }
  articles[0].audience = ArticleAudience::kPublic;  // published: an update in place
  auto stats = UpdateIndex(articles, dir);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  ASSERT_FALSE(stats->full);
  Xapian::Database db(dir);
  EXPECT_EQ(db.get_spelling_suggestion("dunnig"), "dunning");
  EXPECT_EQ(db.get_spelling_suggestion(schema::InternalSpelling("dunnig")), "");
}

TEST(IndexWriterTest, LargeBuildsAreWrittenInShardsAndMergedInOrder) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  std::vector<Article> articles;
  for (int i = 0; i < 2400; ++i) {
    Article a = Articles({{"x", "Note"}})[0];
    a.id = fmt::format("n{}", i);
    a.body_text = "Plain words here. You can log in from the app.";
    if (i == 0) a.body_text += " Zanzibar.";
    if (i == 2399) a.body_text += " Quixotic.";
    if (i % 2 == 0) a.audience = ArticleAudience::kInternal;  // every other one, to check the docid order
    articles.push_back(a);
  }
  const Synonyms synonyms = {{"en", {{"sign in", "log in"}}}};
  auto stats = BuildIndex(articles, dir, synonyms);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  Xapian::Database db(dir);
  ASSERT_EQ(db.get_doccount(), 2400u);
  // Public articles first, then internal ones, across the shards.
  const Xapian::docid first_internal = *db.postlist_begin("XAinternal");
  EXPECT_EQ(first_internal, 1201u);
  EXPECT_EQ(db.get_termfreq("XAinternal"), 1200u);
  // The spelling data of both shards is there; an internal article's words
  // only in the internal alphabet.
  EXPECT_EQ(db.get_spelling_suggestion("zanzibat"), "");
  EXPECT_EQ(db.get_spelling_suggestion(schema::InternalSpelling("zanzibat")), schema::InternalSpelling("zanzibar"));
  EXPECT_EQ(db.get_spelling_suggestion("quixotik"), "quixotic");
  // Positions are kept for the words of phrase synonyms only.
  EXPECT_NE(db.positionlist_begin(1, "Zlog"), db.positionlist_end(1, "Zlog"));
  EXPECT_EQ(db.positionlist_begin(1, "Zplain"), db.positionlist_end(1, "Zplain"));
  Xapian::Enquire enquire(db);
  const Xapian::Query phrase[] = {Xapian::Query("Zlog"), Xapian::Query("Zin")};
  enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, std::begin(phrase), std::end(phrase), 2));
  EXPECT_EQ(enquire.get_mset(0, 10, 10000).get_matches_estimated(), 2400u);
  // No shard is left behind.
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".build"), std::string::npos) << entry.path();
  }

  // A new phrase synonym needs positions the documents lack: the next
  // update rebuilds in full.
  auto updated = UpdateIndex(articles, dir, Synonyms{{"en", {{"sign in", "log in"}, {"plain words", "text"}}}});
  ASSERT_TRUE(updated.has_value()) << updated.error().ToString();
  EXPECT_TRUE(updated->full);
  EXPECT_EQ(updated->generation, "gen-000002");
}

TEST(IndexWriterTest, ReportsProgress) {
  TempDir tmp("writer");
  std::vector<Article> many;
  for (int i = 0; i < 600; ++i) {
    many.push_back(Articles({{"a", "Alpha"}})[0]);
    many.back().id = fmt::format("a{}", i);
  }
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  BuildOptions options;
  options.progress = [&](std::size_t done, std::size_t total) { seen.emplace_back(done, total); };
  ASSERT_TRUE(BuildIndex(many, tmp.path() + "/index", {}, options));
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, std::size_t>>{{256, 600}, {512, 600}, {600, 600}}));
}

// Shards are written on threads of their own: what is thrown there (here
// by the progress callback) fails the build instead of ending the process.
TEST(IndexWriterTest, AnExceptionWhileWritingAShardFailsTheBuildAndLeavesTheLiveIndexAlone) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}}), dir));
  std::vector<Article> many;
  for (int i = 0; i < 2400; ++i) {  // two shards or more where there are two cores
    many.push_back(Articles({{"a", "Alpha"}})[0]);
    many.back().id = fmt::format("a{}", i);
  }
  const std::thread::id caller = std::this_thread::get_id();
  const bool threads = std::thread::hardware_concurrency() > 1;
  BuildOptions options;
  options.progress = [&](std::size_t, std::size_t) {
    if (!threads || std::this_thread::get_id() != caller) throw std::runtime_error("progress failed");
  };
  auto stats = BuildIndex(many, dir, {}, options);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(stats.error().message(), "cannot write index: progress failed");
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000001");
  EXPECT_EQ(DocCount(dir), 1u);
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".build"), std::string::npos) << entry.path();
  }

  // An update in place (on the caller's thread) fails the same way, and
  // writes nothing of what it did before it failed.
  options.progress = [](std::size_t, std::size_t) { throw std::runtime_error("progress failed"); };
  auto updated = UpdateIndex(many, dir, {}, options);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(updated.error().message(), "cannot write index: progress failed");
  EXPECT_EQ(DocCount(dir), 1u);
}

TEST(IndexWriterTest, ABuildThatCannotLockLeavesTheLiveIndexAlone) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}}), dir));
  const int fd = ::open((dir + "/.lock").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  auto stats = BuildIndex(Articles({{"b", "Beta"}}), dir);
  ::close(fd);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(stats.error().message(), "another build is writing this index (lock held on " + dir +
                                         "/.lock); try again when it finishes");
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000001");
  EXPECT_EQ(DocCount(dir), 1u);
}

TEST(IndexWriterTest, RefusesADirectoryThatIsNotAnIndex) {
  TempDir tmp("writer");
  testing::WriteFile(tmp.path(), "precious.txt", "keep me");
  auto stats = BuildIndex(Articles({{"a", "Alpha"}}), tmp.path());
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(stats.error().message(),
            tmp.path() + " is not empty and is not a kbsearch index directory; refusing to write there");
  EXPECT_TRUE(fs::exists(tmp.path() + "/precious.txt"));
}

TEST(IndexWriterTest, DebrisOfAKilledBuildIsIgnoredAndCleanedUp) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}}), dir));
  testing::WriteFile(dir, "gen-000002/junk", "half-written");  // as if a build died
  testing::WriteFile(dir, "gen-000009.build/junk", "half-written");
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}}), dir));
  EXPECT_EQ(*index_dir::LiveGeneration(dir), "gen-000003");
  EXPECT_FALSE(fs::exists(dir + "/gen-000002"));
  EXPECT_FALSE(fs::exists(dir + "/gen-000009.build"));
  EXPECT_FALSE(fs::exists(dir + "/gen-000003.build"));
  EXPECT_EQ(DocCount(dir), 2u);
}

TEST(IndexWriterTest, InMemoryIndexReplacesByLocaleAndId) {
  auto db = BuildInMemoryIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}}));
  ASSERT_TRUE(db.has_value());
  ASSERT_TRUE(AddArticles(*db, Articles({{"a", "Alpha again"}}), /*fresh=*/false));
  EXPECT_EQ(db->get_doccount(), 2u);
}

}  // namespace
}  // namespace kb
