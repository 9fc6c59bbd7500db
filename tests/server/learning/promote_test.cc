// Promoting a learned phrasing: the change to the article's source, computed
// on a real corpus directory and never written.
#include "server/learning/promote.h"

#include <gtest/gtest.h>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"

namespace kb::learning {
namespace {

class PromoteTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(corpus_ + "/" + relative).parent_path());
    ASSERT_TRUE(WriteFileAtomic(corpus_ + "/" + relative, text).has_value());
  }

  TempDir tmp_{"promote"};
  const std::string corpus_ = tmp_.path() + "/corpus";
};

TEST_F(PromoteTest, ABlockListGetsAnItemAfterItsLast) {
  const std::string text =
      "---\nid: strike\ntitle: Strikethrough\nquestions:\n    - line through text\n    - strike text\n"
      "tags: [format]\n---\nPress Ctrl+Shift+X.\n";
  Write("en/format/strike.md", text);
  auto change = AddQuestion(corpus_, "strike", "", "crossed out");
  ASSERT_TRUE(change.has_value()) << change.error().ToString();
  EXPECT_EQ(change->path, "en/format/strike.md");
  EXPECT_EQ(change->line, 1);
  EXPECT_EQ(change->questions, (std::vector<std::string>{"line through text", "strike text", "crossed out"}));
  EXPECT_EQ(change->diff,
            "--- a/en/format/strike.md\n+++ b/en/format/strike.md\n@@ -4,6 +4,7 @@\n"
            " questions:\n     - line through text\n     - strike text\n+    - crossed out\n"
            " tags: [format]\n ---\n Press Ctrl+Shift+X.\n");
  auto unchanged = ReadFile(corpus_ + "/en/format/strike.md");
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_EQ(*unchanged, text);  // the corpus stays as it is
}

TEST_F(PromoteTest, AFlowListGetsAnEntryAndNoListGetsOne) {
  Write("en/a/flow.md", "---\nid: flow\ntitle: Flow\nquestions: [one, two]\n---\nBody.\n");
  Write("en/a/none.md", "---\nid: none\ntitle: None\n---\nBody.\n");
  auto flow = AddQuestion(corpus_, "flow", "en", "money back: how");
  ASSERT_TRUE(flow.has_value()) << flow.error().ToString();
  EXPECT_EQ(flow->diff,
            "--- a/en/a/flow.md\n+++ b/en/a/flow.md\n@@ -1,6 +1,6 @@\n ---\n id: flow\n title: Flow\n"
            "-questions: [one, two]\n+questions: [one, two, \"money back: how\"]\n ---\n Body.\n");
  auto none = AddQuestion(corpus_, "none", "", "yes");
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_EQ(none->diff,
            "--- a/en/a/none.md\n+++ b/en/a/none.md\n@@ -1,5 +1,7 @@\n ---\n id: none\n title: None\n"
            "+questions:\n+  - \"yes\"\n ---\n Body.\n");
}

TEST_F(PromoteTest, AJsonlArticleGetsItsQuestionsButNoDiff) {
  Write("export.jsonl", "{\"id\": \"j1\", \"title\": \"J\", \"body\": \"Text.\", \"questions\": [\"q1\"]}\n");
  auto change = AddQuestion(corpus_, "j1", "", "new one");
  ASSERT_TRUE(change.has_value()) << change.error().ToString();
  EXPECT_EQ(change->path, "export.jsonl");
  EXPECT_EQ(change->questions, (std::vector<std::string>{"q1", "new one"}));
  EXPECT_EQ(change->diff, "");
}

TEST_F(PromoteTest, WhatCannotBePromotedSaysWhy) {
  Write("en/a/strike.md", "---\nid: strike\ntitle: Strike\nquestions:\n  - Crossed Out\n---\nBody.\n");
  Write("de/a/strike.md", "---\nid: strike\ntitle: Durchstreichen\nlocale: de\n---\nText.\n");
  auto twice = AddQuestion(corpus_, "strike", "en", "crossed out");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(twice.error().message(), "article 'strike' already has the question 'Crossed Out'");
  auto ambiguous = AddQuestion(corpus_, "strike", "", "x");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().message(), "article 'strike' is in several locales: name one with 'locale'");
  auto missing = AddQuestion(corpus_, "nope", "en", "x");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "no article 'nope' in locale 'en' in the corpus");
  EXPECT_EQ(AddQuestion(corpus_, "strike", "en", " ").error().code(), ErrorCode::kInvalidArgument);
}

TEST(YamlScalarTest, QuotesWhatWouldNotReadBackTheSame) {
  EXPECT_EQ(YamlScalar("crossed out"), "crossed out");
  EXPECT_EQ(YamlScalar("取り消し線"), "取り消し線");
  EXPECT_EQ(YamlScalar("no"), "\"no\"");
  EXPECT_EQ(YamlScalar("a: b"), "\"a: b\"");
  EXPECT_EQ(YamlScalar("-x"), "\"-x\"");
  EXPECT_EQ(YamlScalar("say \"hi\""), "\"say \\\"hi\\\"\"");
}

}  // namespace
}  // namespace kb::learning
