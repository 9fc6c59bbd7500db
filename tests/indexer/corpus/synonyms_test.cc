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

TEST(SynonymsTest, CheckReportsEveryProblemInEveryFile) {
  TempDir tmp("synonyms");
  testing::WriteFile(tmp.path(), "synonyms/de.txt", "anmelden, einloggen\nkonto\n");
  testing::WriteFile(tmp.path(), "synonyms/en.txt", "refund\nsign in, log in\nbill,, invoice\ncaf\xE9, coffee\n");
  std::vector<std::string> errors;
  for (const Error& e : CheckSynonyms(tmp.path())) errors.push_back(e.ToString());
  const std::string de = tmp.path() + "/synonyms/de.txt", en = tmp.path() + "/synonyms/en.txt";
  EXPECT_EQ(errors, (std::vector<std::string>{
                        de + ":2: error: synonym group 'konto' has one entry: list at least two, separated by commas",
                        en + ":1: error: synonym group 'refund' has one entry: list at least two, separated by commas",
                        en + ":3: error: empty entry in synonym group: remove the extra comma",
                        en + ":4: error: invalid UTF-8",
                    }));
  // ReadSynonyms fails with the first of them.
  ASSERT_FALSE(ReadSynonyms(tmp.path()).has_value());
  EXPECT_EQ(ReadSynonyms(tmp.path()).error().ToString(), errors[0]);
  EXPECT_TRUE(CheckSynonyms(tmp.path() + "/nothing-here").empty());
}

}  // namespace
}  // namespace kb
