#include "bench/speed/synthetic.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace kb::bench {
namespace {

TEST(SyntheticTest, IsDeterministic) {
  const auto a = MakeSyntheticCorpus({.articles = 50});
  const auto b = MakeSyntheticCorpus({.articles = 50});
  ASSERT_EQ(a.size(), 50u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].title, b[i].title);
    EXPECT_EQ(a[i].body_text, b[i].body_text);
  }
  EXPECT_EQ(MakeSyntheticQueries(a, 20, 7), MakeSyntheticQueries(b, 20, 7));
}

TEST(SyntheticTest, QueriesAreTwoOrThreeTitleWords) {
  const auto corpus = MakeSyntheticCorpus({.articles = 200});
  const auto queries = MakeSyntheticQueries(corpus, 100, 3);
  ASSERT_EQ(queries.size(), 100u);
  for (const std::string& q : queries) {
    const auto words = std::count(q.begin(), q.end(), ' ') + 1;
    EXPECT_TRUE(words == 2 || words == 3) << q;
  }
}

TEST(SyntheticTest, TitlesAndBodiesHaveRealisticLengths) {
  for (const Article& a : MakeSyntheticCorpus({.articles = 100})) {
    const auto title_words = std::count(a.title.begin(), a.title.end(), ' ') + 1;
    EXPECT_GE(title_words, 4);
    EXPECT_LE(title_words, 10);
    const auto body_words = std::count(a.body_text.begin(), a.body_text.end(), ' ') + 1;
    EXPECT_GE(body_words, 60);
    EXPECT_LE(body_words, 480);
  }
}


TEST(SyntheticTest, ShortArticlesKeepTheTitleAndTheFirstWordsOfTheBody) {
  const auto corpus = MakeSyntheticCorpus({.articles = 30});
  const auto cut = ShortArticles(corpus, 25);
  ASSERT_EQ(cut.size(), corpus.size());
  for (std::size_t i = 0; i < cut.size(); ++i) {
    EXPECT_EQ(cut[i].title, corpus[i].title);
    EXPECT_TRUE(cut[i].questions.empty());
    EXPECT_EQ(cut[i].body_markdown, cut[i].body_text);
    // The first 25 words, whichever paragraphs they come from.
    std::string expected;
    int words = 0;
    for (std::size_t start = 0; words < 25;) {
      const std::size_t end = corpus[i].body_text.find_first_of(" \n", start);
      const std::string word = corpus[i].body_text.substr(start, end == std::string::npos ? end : end - start);
      if (!word.empty()) {
        expected += (expected.empty() ? "" : " ") + word;
        ++words;
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
    std::string got = cut[i].body_text;
    std::replace(got.begin(), got.end(), '\n', ' ');
    got.erase(std::unique(got.begin(), got.end(), [](char a, char b) { return a == ' ' && b == ' '; }), got.end());
    EXPECT_EQ(got, expected) << i;
  }
}

TEST(SyntheticTest, ZipfDrawsFollowTheLawFromTheirSeed) {
  const std::vector<std::string> items = {"a", "b", "c"};
  const std::vector<std::string> draws = ZipfDraws(items, 1.0, 11000, 7);
  ASSERT_EQ(draws.size(), 11000u);
  EXPECT_EQ(ZipfDraws(items, 1.0, 11000, 7), draws);
  EXPECT_NE(ZipfDraws(items, 1.0, 11000, 8), draws);
  // In proportion to 1, 1/2 and 1/3: 6,000, 3,000 and 2,000 of 11,000,
  // within 5 %.
  const std::vector<int> expected = {6000, 3000, 2000};
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto n = std::count(draws.begin(), draws.end(), items[k]);
    EXPECT_NEAR(static_cast<double>(n), expected[k], 0.05 * expected[k]) << items[k];
  }
  // A steeper law leaves the tail alone.
  const std::vector<std::string> steep = ZipfDraws(items, 10.0, 1000, 7);
  EXPECT_GT(std::count(steep.begin(), steep.end(), "a"), 990);
  EXPECT_TRUE(ZipfDraws({}, 1.0, 10, 7).empty());
}

}  // namespace
}  // namespace kb::bench
