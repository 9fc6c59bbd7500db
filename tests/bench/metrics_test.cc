#include "bench/eval/metrics.h"

#include <cmath>

#include <fmt/core.h>

#include <gtest/gtest.h>

namespace kb::eval {
namespace {

TEST(MetricsTest, ScoresAsTheReferenceScorerDoes) {
  const Qrels qrels = {{"q1", {{"d1", 1}, {"d2", 2}}}, {"q2", {{"d9", 1}}}, {"q3", {{"d5", 0}}}};
  const std::vector<Query> queries = {{"q1", "a"}, {"q2", "b"}, {"q3", "c"}};
  // q1: d2 (gain 3) at rank 2, d1 (gain 1) at rank 3. q2: nothing. q3: no relevant doc, skipped.
  const Ranking run = {{"q1", {"d7", "d2", "d1"}}, {"q3", {"d5"}}};
  const Metrics m = Score(qrels, queries, run);
  EXPECT_EQ(m.queries, 2);
  const double dcg = 3 / std::log2(3.0) + 1 / std::log2(4.0);
  const double idcg = 3 / std::log2(2.0) + 1 / std::log2(3.0);
  EXPECT_DOUBLE_EQ(m.ndcg10, (dcg / idcg) / 2);
  EXPECT_DOUBLE_EQ(m.mrr10, 0.5 / 2);
  EXPECT_DOUBLE_EQ(m.recall10, 1.0 / 2);
  EXPECT_DOUBLE_EQ(m.recall100, 1.0 / 2);
}

TEST(MetricsTest, CountsOnlyTheTopTenForAtTen) {
  const Qrels qrels = {{"q", {{"rel", 1}}}};
  Ranking run;
  for (int i = 0; i < 10; ++i) run["q"].push_back(fmt::format("x{}", i));
  run["q"].push_back("rel");  // rank 11
  const Metrics m = Score(qrels, {{"q", "t"}}, run);
  EXPECT_DOUBLE_EQ(m.ndcg10, 0);
  EXPECT_DOUBLE_EQ(m.mrr10, 0);
  EXPECT_DOUBLE_EQ(m.recall10, 0);
  EXPECT_DOUBLE_EQ(m.recall100, 1);
}

TEST(MetricsTest, IgnoresJudgedQueriesThatWereNotAsked) {
  const Qrels qrels = {{"q", {{"d", 1}}}, {"other", {{"d", 1}}}};
  const Metrics m = Score(qrels, {{"q", "t"}}, Ranking{{"q", {"d"}}});
  EXPECT_EQ(m.queries, 1);
  EXPECT_DOUBLE_EQ(m.ndcg10, 1);
}

TEST(DatasetTest, ParsesQueriesAndQrels) {
  auto q = ParseQueries("qid\ttext\nq1\thow do I\n\nq2\tsecond one\n");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[1].id, "q2");
  EXPECT_EQ((*q)[1].text, "second one");
  auto r = ParseQrels("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)["q1"]["d1"], 2);
  EXPECT_EQ((*r)["q1"]["d2"], 0);
}

TEST(DatasetTest, AQueryMayNameItsLocale) {
  auto q = ParseQueries("qid\ttext\tlocale\nq1\tPasswort vergessen\tDE-at\nq2\tパスワード\tja\nq3\tplain\t\nq4\tplain\n");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0].locale, "de-AT");
  EXPECT_EQ((*q)[1].locale, "ja");
  EXPECT_EQ((*q)[2].locale, "");
  EXPECT_EQ((*q)[3].locale, "");
  auto bad = ParseQueries("qid\ttext\tlocale\nq1\tfine\ten\nq2\tbad\tnot a tag\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().where().line, 3);
  EXPECT_EQ(bad.error().message(), "locale must be a BCP 47 tag such as 'de' or 'ja', found 'not a tag'");
}

TEST(DatasetTest, ReportsTheBadLine) {
  auto q = ParseQueries("qid\ttext\nq1\tfine\nno-tab-here\n");
  ASSERT_FALSE(q.has_value());
  EXPECT_EQ(q.error().where().line, 3);
  EXPECT_EQ(q.error().message(), "expected 'qid<TAB>text'");
  auto r = ParseQrels("query-id\tcorpus-id\tscore\nq1\td1\tyes\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where().line, 2);
  EXPECT_EQ(r.error().message(), "score must be an integer, found 'yes'");
}

}  // namespace
}  // namespace kb::eval
