#include "indexer/text/word_list.h"

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/text/analyzer.h"
#include "tests/test_files.h"

namespace kb::text {
namespace {

TEST(WordListTest, HoldsWordsAsTheAnalyzerWritesThem) {
  auto list = WordList::Parse("Zürich\nwife's\nconstrain\r\n\nConstrain\nTHREAT\n");
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  EXPECT_EQ(list->size(), 4u);  // "Constrain" is "constrain" again; empty lines are skipped
  EXPECT_TRUE(list->Contains("zurich"));
  EXPECT_TRUE(list->Contains("wifes"));
  EXPECT_TRUE(list->Contains("constrain"));
  EXPECT_TRUE(list->Contains("threat"));
  EXPECT_FALSE(list->Contains("constrai"));   // not a prefix match
  EXPECT_FALSE(list->Contains("constrains"));  // nor an extension
  EXPECT_FALSE(list->Contains("a"));
  EXPECT_FALSE(list->Contains("zzz"));
  EXPECT_FALSE(list->Contains(""));
}

// ASCII lines skip ICU; every line must still hold what NormalizeWord makes
// of it, which is what a query's word is looked up as.
TEST(WordListTest, WordsAreStoredAsNormalizeWordWritesThem) {
  const std::vector<std::string> lines = {"O'Neil's", "ABC", "don't", "Éclair", "Straße", "naïve", "x"};
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  auto list = WordList::Parse(text);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->size(), lines.size());
  for (const std::string& l : lines) EXPECT_TRUE(list->Contains(NormalizeWord(l))) << l;
}

TEST(WordListTest, EmptyListContainsNothing) {
  auto list = WordList::Parse("");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->size(), 0u);
  EXPECT_FALSE(list->Contains("word"));
}

TEST(WordListTest, InvalidUtf8IsAnErrorWithItsLineAndColumn) {
  auto list = WordList::Parse("good\nalso good\nba\xff" "d\n");
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().message(), "invalid UTF-8 in word list");
  EXPECT_EQ(list.error().where().line, 3);
  EXPECT_EQ(list.error().where().column, 3);
}

TEST(WordListTest, LoadNamesTheFile) {
  TempDir tmp("word-list");
  const std::string bad = testing::WriteFile(tmp.path(), "ngerman", "Haus\n\xc3(\n");
  auto list = WordList::Load(bad);
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().ToString(), bad + ":2: error: invalid UTF-8 in word list");

  auto missing = WordList::Load(tmp.path() + "/none");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "cannot read " + tmp.path() + "/none: No such file or directory");
}

TEST(WordListTest, DebianPathsPerLanguage) {
  EXPECT_EQ(WordListPath("/usr/share/dict", "en"), "/usr/share/dict/american-english");
  EXPECT_EQ(WordListPath("/usr/share/dict", "de"), "/usr/share/dict/ngerman");
  EXPECT_EQ(WordListPath("/usr/share/dict", "ja"), "");  // no list for Japanese
  EXPECT_EQ(WordListPath("", "en"), "");                 // turned off
}

TEST(WordListTest, SharedListsAreLoadedOnceAndMissingOnesAreNoError) {
  TempDir tmp("word-list");
  const std::string path = testing::WriteFile(tmp.path(), "american-english", "walrus\n");
  auto first = SharedWordList(path);
  auto second = SharedWordList(path);
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ(first->get(), second->get());
  EXPECT_TRUE((*first)->Contains("walrus"));

  auto missing = SharedWordList(tmp.path() + "/none");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(*missing, nullptr);

  const std::string bad = testing::WriteFile(tmp.path(), "bad", "\xff\n");
  auto broken = SharedWordList(bad);
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().ToString(), bad + ":1: error: invalid UTF-8 in word list");
}

}  // namespace
}  // namespace kb::text
