#include "bench/speed/synthetic.h"

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

}  // namespace
}  // namespace kb::bench
