#include "bench/eval/relevance.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "tests/test_files.h"

namespace kb::eval {
namespace {

using testing::WriteFile;

class RelevanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/mini";
    WriteFile(dir_, "corpus.jsonl",
              "{\"_id\": \"d1\", \"title\": \"Reset a forgotten password\", \"text\": \"Use the reset link.\"}\n"
              "{\"_id\": \"d2\", \"title\": \"Download an invoice\", \"text\": \"Invoices are under Billing.\"}\n"
              "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"Untitled passage about refunds and money back.\"}\n");
    WriteFile(dir_, "queries.tsv", "qid\ttext\nq1\tforgot my password\nq2\twhere is my invoice\nq3\tmoney back\n");
    WriteFile(dir_, "qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n");
  }
  TempDir tmp_{"relevance"};
  std::string dir_;
};

TEST_F(RelevanceTest, PrintsATableAndTheContractLastLine) {
  std::ostringstream out, err;
  const std::string run = tmp_.path() + "/run.trec";
  ASSERT_EQ(RunRelevance({dir_, "--run", run}, out, err), 0) << err.str();
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("dataset mini: 3 articles, 3 queries, 3 judged queries scored\n", 0), 0u) << text;
  const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  EXPECT_EQ(last, "nDCG@10 kb=1.0000 fts5=1.0000\n");

  std::ifstream in(run);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("q1 Q0 d1 1 ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].substr(lines[0].size() - 3), " kb");
  EXPECT_EQ(lines[1].rfind("q2 Q0 d2 1 ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("q3 Q0 d3 1 ", 0), 0u) << lines[2];
}

// With history, the table has a kb+usage row and the last line its figure.
TEST_F(RelevanceTest, AHistoryAddsKbPlusUsageToTheTableAndTheLastLine) {
  WriteFile(dir_, "history.tsv", "qid\ttext\nh1\tcannot remember my password\nh2\tbilling documents\n");
  WriteFile(dir_, "history-qrels.tsv", "query-id\tcorpus-id\tscore\nh1\td1\t1\nh2\td2\t1\n");
  std::ostringstream out, err;
  ASSERT_EQ(RunRelevance({dir_}, out, err), 0) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("\nkb+usage           1.0000   1.0000     1.0000      1.0000  +0.0000\n"), std::string::npos) << text;
  const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  EXPECT_EQ(last, "nDCG@10 kb=1.0000 fts5=1.0000 kb+usage=1.0000\n");
  EXPECT_NE(err.str().find("kb-relevance: mini split 1/1: 2 history queries, 20 sessions, "), std::string::npos)
      << err.str();
}

TEST_F(RelevanceTest, HistoryFoldsAreCheckedAndAHalfHistoryIsAnError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunRelevance({dir_, "--history-folds", "1"}, out, err), 2);
  EXPECT_EQ(err.str(), "kb-relevance: --history-folds must be a whole number of at least 2, got '1'\n");
  WriteFile(dir_, "history.tsv", "qid\ttext\nh1\tpassword\n");
  std::ostringstream out2, err2;
  EXPECT_EQ(RunRelevance({dir_}, out2, err2), 1);
  EXPECT_EQ(err2.str(), "kb-relevance: not_found: " + dir_ + " has history.tsv but not history-qrels.tsv\n");
}

TEST_F(RelevanceTest, HistoryFoldsTestEveryQueryOnceAndKeepTheKbRow) {
  std::ostringstream out, err;
  ASSERT_EQ(RunRelevance({dir_, "--history-folds", "3"}, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("\nkb                 1.0000"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\nkb+usage "), std::string::npos) << out.str();
  for (const char* split : {"split 1/3: 2 history queries", "split 2/3: 2 history queries", "split 3/3: 2 history queries"}) {
    EXPECT_NE(err.str().find(split), std::string::npos) << err.str();
  }
}

TEST_F(RelevanceTest, MissingDatasetIsAClearError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunRelevance({tmp_.path() + "/none"}, out, err), 1);
  EXPECT_EQ(err.str(), "kb-relevance: not_found: no corpus.jsonl in " + tmp_.path() + "/none\n");
}

TEST_F(RelevanceTest, BadQrelsLineIsReportedWithPathAndLine) {
  WriteFile(dir_, "qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunRelevance({dir_}, out, err), 1);
  EXPECT_EQ(err.str(), "kb-relevance: " + dir_ + "/qrels.tsv:2: error: expected 'query-id<TAB>corpus-id<TAB>score'\n");
}

}  // namespace
}  // namespace kb::eval
