#include "indexer/writer/index_writer.h"

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
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
  EXPECT_EQ(*LiveGeneration(dir), "gen-000001");
  EXPECT_EQ(DocCount(dir), 2u);
}

TEST(IndexWriterTest, EachBuildSwapsInANewGenerationAndKeepsOnlyThePrevious) {
  TempDir tmp("writer");
  const std::string dir = tmp.path() + "/index";
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}}), dir));
  Xapian::Database reader(dir);  // a reader of generation 1
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}}), dir));
  ASSERT_TRUE(BuildIndex(Articles({{"a", "Alpha"}, {"b", "Beta"}, {"c", "Gamma"}}), dir));
  EXPECT_EQ(*LiveGeneration(dir), "gen-000003");
  EXPECT_EQ(DocCount(dir), 3u);
  EXPECT_FALSE(fs::exists(dir + "/gen-000001"));
  EXPECT_TRUE(fs::exists(dir + "/gen-000002"));
  EXPECT_TRUE(fs::exists(dir + "/gen-000003"));
  // The old reader still answers from what it opened.
  EXPECT_EQ(reader.get_doccount(), 1u);
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
  EXPECT_EQ(*LiveGeneration(dir), "gen-000001");
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
  EXPECT_EQ(*LiveGeneration(dir), "gen-000003");
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
