#include "indexer/corpus/corpus_reader.h"

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "tests/test_files.h"

namespace kb {
namespace {

using testing::Article;
using testing::WriteFile;

TEST(CorpusReaderTest, TakesLocaleAndCategoryFromThePath) {
  TempDir dir("corpus");
  WriteFile(dir.path(), "de/billing/refund.md", Article("refund", "Geld zurück", "Text"));
  WriteFile(dir.path(), "en/billing/refund.md", Article("refund", "Refunds", "Text", "category: payments\n"));
  WriteFile(dir.path(), "README.md", "# not an article\n");
  WriteFile(dir.path(), ".drafts/x.md", "not even front matter");
  WriteFile(dir.path(), "synonyms/en.txt", "sign in, log in\n");
  auto corpus = ReadCorpus(dir.path());
  ASSERT_TRUE(corpus.has_value());
  EXPECT_TRUE(corpus->errors.empty());
  ASSERT_EQ(corpus->articles.size(), 2u);
  EXPECT_EQ(corpus->articles[0].locale, "de");
  EXPECT_EQ(corpus->articles[0].category, "billing");
  EXPECT_EQ(corpus->articles[1].locale, "en");
  EXPECT_EQ(corpus->articles[1].category, "payments");  // front matter wins
  EXPECT_EQ(corpus->articles[1].source.path, dir.path() + "/en/billing/refund.md");
}

TEST(CorpusReaderTest, DuplicateIdNamesBothFiles) {
  TempDir dir("corpus");
  WriteFile(dir.path(), "en/a/first.md", Article("same", "One", "x"));
  WriteFile(dir.path(), "en/b/second.md", Article("same", "Two", "y"));
  auto corpus = ReadCorpus(dir.path());
  ASSERT_TRUE(corpus.has_value());
  ASSERT_EQ(corpus->errors.size(), 1u);
  EXPECT_EQ(corpus->errors[0].ToString(),
            dir.path() + "/en/b/second.md:1: error: duplicate id 'same' in locale 'en': also defined at " +
                dir.path() + "/en/a/first.md:1");
}

TEST(CorpusReaderTest, ReportsEveryBadFileWithPathAndLine) {
  TempDir dir("corpus");
  WriteFile(dir.path(), "en/x/good.md", Article("good", "Good", "x"));
  WriteFile(dir.path(), "en/x/open.md", "---\nid: open\ntitle: Open\n");
  WriteFile(dir.path(), "en/x/date.md", Article("date", "Date", "x", "updated: 2026-13-01\n"));
  WriteFile(dir.path(), "bulk.jsonl", "{\"id\": \"j1\", \"title\": \"J\"}\n{oops}\n");
  auto corpus = ReadCorpus(dir.path());
  ASSERT_TRUE(corpus.has_value());
  EXPECT_EQ(corpus->articles.size(), 2u);
  ASSERT_EQ(corpus->errors.size(), 3u);
  EXPECT_EQ(corpus->errors[0].ToString(),
            dir.path() + "/bulk.jsonl:2: error: malformed JSON at column 2: syntax error while parsing object key - "
                         "invalid literal; last read: '{o'; expected string literal");
  EXPECT_EQ(corpus->errors[1].ToString(),
            dir.path() + "/en/x/date.md:4: error: malformed date '2026-13-01' in 'updated': expected YYYY-MM-DD");
  EXPECT_EQ(corpus->errors[2].ToString(),
            dir.path() + "/en/x/open.md:1: error: unterminated front matter: no closing '---' line");
}

TEST(CorpusReaderTest, ReadsASingleJsonlFile) {
  TempDir dir("corpus");
  const std::string path = WriteFile(dir.path(), "c.jsonl", "{\"_id\": \"1\", \"title\": \"A\"}\n");
  auto corpus = ReadCorpus(path);
  ASSERT_TRUE(corpus.has_value());
  ASSERT_EQ(corpus->articles.size(), 1u);
  EXPECT_EQ(corpus->articles[0].locale, "en");
  EXPECT_EQ(corpus->articles[0].source.path, path);
}

TEST(CorpusReaderTest, MissingPathIsNotFound) {
  auto corpus = ReadCorpus("/nonexistent/kb-corpus");
  ASSERT_FALSE(corpus.has_value());
  EXPECT_EQ(corpus.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(corpus.error().message(), "corpus not found: /nonexistent/kb-corpus");
}

}  // namespace
}  // namespace kb
