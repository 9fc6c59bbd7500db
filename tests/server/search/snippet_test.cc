#include "server/search/snippet.h"

#include <gtest/gtest.h>

namespace kb::search {
namespace {

TEST(SnippetTest, MarksStemmedMatchesAndEscapesHtml) {
  text::Analyzer en("en");
  EXPECT_EQ(MakeSnippet("Use <b>reset</b> links & passwords.", {"password", "reset"}, en),
            "Use &lt;b&gt;<mark>reset</mark>&lt;/b&gt; links &amp; <mark>passwords</mark>.");
}

TEST(SnippetTest, PicksTheWindowWithTheMostQueryWords) {
  text::Analyzer en("en");
  std::string text;
  for (int i = 0; i < 50; ++i) text += "filler ";
  text += "billing invoice here";
  for (int i = 0; i < 50; ++i) text += " padding";
  const std::string s = MakeSnippet(text, {"invoic", "bill"}, en, SnippetOptions{.window_words = 8});
  EXPECT_EQ(s, "…filler filler filler <mark>billing</mark> <mark>invoice</mark> here padding padding…");
}

TEST(SnippetTest, WithoutAMatchShowsTheStart) {
  text::Analyzer en("en");
  EXPECT_EQ(MakeSnippet("one two three four", {"zebra"}, en, SnippetOptions{.window_words = 2}), "one two…");
}

TEST(SnippetTest, MarksJapaneseWords) {
  text::Analyzer ja("ja");
  EXPECT_EQ(MakeSnippet("パスワードをリセットする", {"リセット"}, ja), "パスワードを<mark>リセット</mark>する");
}

TEST(SnippetTest, FlattensNewlines) {
  text::Analyzer en("en");
  EXPECT_EQ(MakeSnippet("Steps\n1. Sign in", {"sign"}, en), "Steps 1. <mark>Sign</mark> in");
}

TEST(HtmlEscapeTest, EscapesTheFiveCharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace kb::search
