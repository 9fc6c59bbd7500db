#include "indexer/corpus/synonyms.h"

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "tests/test_files.h"

namespace kb {
namespace {

TEST(SynonymsTest, ParsesGroupsAndSkipsComments) {
  auto groups = ParseSynonyms("# customers' words\nsign in, log in ,login\n\ninvoice, bill  # billing\n");
  ASSERT_TRUE(groups.has_value()) << groups.error().ToString();
  EXPECT_EQ(*groups, (std::vector<SynonymGroup>{{"sign in", "log in", "login"}, {"invoice", "bill"}}));
}

TEST(SynonymsTest, EmptyEntryNamesLineAndColumn) {
  auto groups = ParseSynonyms("a, b\nsign in,, login\n");
  ASSERT_FALSE(groups.has_value());
  EXPECT_EQ(groups.error().where().line, 2);
  EXPECT_EQ(groups.error().where().column, 9);
  EXPECT_EQ(groups.error().message(), "empty entry in synonym group: remove the extra comma");
}

TEST(SynonymsTest, GroupOfOne) {
  auto groups = ParseSynonyms("\n\nrefund\n");
  ASSERT_FALSE(groups.has_value());
  EXPECT_EQ(groups.error().where().line, 3);
  EXPECT_EQ(groups.error().message(), "synonym group 'refund' has one entry: list at least two, separated by commas");
}

TEST(SynonymsTest, InvalidUtf8) {
  auto groups = ParseSynonyms("caf\xE9, coffee\n");
  ASSERT_FALSE(groups.has_value());
  EXPECT_EQ(groups.error().where().line, 1);
  EXPECT_EQ(groups.error().message(), "invalid UTF-8");
}

TEST(SynonymsTest, ReadsOneFilePerLanguage) {
  TempDir tmp("synonyms");
  testing::WriteFile(tmp.path(), "synonyms/en.txt", "sign in, log in\n");
  testing::WriteFile(tmp.path(), "synonyms/de.txt", "anmelden, einloggen\n");
  auto s = ReadSynonyms(tmp.path());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->size(), 2u);
  EXPECT_EQ(s->at("de"), (std::vector<SynonymGroup>{{"anmelden", "einloggen"}}));
  testing::WriteFile(tmp.path(), "synonyms/ja.txt", "ログイン\n");
  s = ReadSynonyms(tmp.path());
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().ToString(), tmp.path() + "/synonyms/ja.txt:1: error: synonym group 'ログイン' has one entry: "
                                                "list at least two, separated by commas");
  EXPECT_TRUE(ReadSynonyms(tmp.path() + "/nothing-here")->empty());
}

}  // namespace
}  // namespace kb
