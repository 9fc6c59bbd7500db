// The speed benchmark's peers, each built and searched for real: plain
// Xapian, Lucene++, and PostgreSQL 15's full-text search on a cluster the
// test starts. Each ranks the article that has the query's words in its
// title first, finds nothing for words no article has, and reads query
// syntax as words.
#include <gtest/gtest.h>

#include "bench/peer/lucene.h"
#include "bench/peer/peer.h"
#include "bench/peer/postgres_cluster.h"
#include "bench/peer/postgres_fts.h"
#include "bench/peer/xapian_plain.h"
#include "indexer/base/temp_dir.h"

namespace kb::peer {
namespace {

std::vector<Article> Articles() {
  Article a;
  a.id = "reset-password";
  a.title = "Reset your password";
  a.body_text = "Use the reset link in the email we send you.";
  Article b;
  b.id = "invoices";
  b.title = "Download invoices";
  b.body_text = "Your password is not printed on invoices.";
  Article c;
  c.id = "export";
  c.title = "Export your data";
  c.body_text = "Exports are sent as a zip file.";
  return {a, b, c};
}

std::vector<std::string> Ids(const Result<std::vector<PeerHit>>& hits) {
  std::vector<std::string> out;
  if (!hits) return {"error: " + hits.error().ToString()};
  for (const PeerHit& h : *hits) out.push_back(h.id);
  return out;
}

// What every peer must answer on Articles().
template <typename Index>
void ExpectPeerRanks(Index& index, bool stems) {
  const auto hits = index.Search("password reset", 10);
  EXPECT_EQ(Ids(hits), (std::vector<std::string>{"reset-password", "invoices"}));
  ASSERT_TRUE(hits.has_value() && hits->size() == 2);
  EXPECT_EQ((*hits)[0].title, "Reset your password");
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  EXPECT_EQ(Ids(index.Search(stems ? "exporting zips" : "exports zip", 10)), (std::vector<std::string>{"export"}));
  EXPECT_EQ(Ids(index.Search("zebra", 10)), (std::vector<std::string>{}));
  EXPECT_EQ(Ids(index.Search("", 10)), (std::vector<std::string>{}));
  EXPECT_EQ(Ids(index.Search("password reset", 1)), (std::vector<std::string>{"reset-password"}));
  // Syntax is no error.
  for (const std::string q : {"\"password\" AND (reset", "title:invoices -- |&!", "NOT OR"}) {
    const auto answered = index.Search(q, 10);
    EXPECT_TRUE(answered.has_value()) << q << ": " << answered.error().ToString();
  }
}

TEST(QueryWordsTest, SplitsLettersAndDigitsFromEverythingElse) {
  EXPECT_EQ(QueryWords("Reset my pass-word, 2 times!"),
            (std::vector<std::string_view>{"Reset", "my", "pass", "word", "2", "times"}));
  EXPECT_EQ(QueryWords("Größe ändern"), (std::vector<std::string_view>{"Größe", "ändern"}));
  EXPECT_TRUE(QueryWords(" &|!():* ").empty());
  EXPECT_EQ(TsOrQuery("reset (my) password!"), "reset | my | password");
  EXPECT_EQ(TsOrQuery("!& |"), "");
}

TEST(PeersTest, PlainXapianRanksWithBm25) {
  TempDir tmp("peers");
  auto index = XapianPlain::Build(tmp.path() + "/xapian", Articles());
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  ExpectPeerRanks(**index, /*stems=*/true);
}

TEST(PeersTest, LuceneRanksWithItsDefaultSimilarity) {
  TempDir tmp("peers");
  auto index = LuceneIndex::Build(tmp.path() + "/lucene", Articles());
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  ExpectPeerRanks(**index, /*stems=*/false);  // StandardAnalyzer does not stem
}

TEST(PeersTest, PostgresRanksWithTsRankCd) {
  std::string why;
  auto cluster = testing::Postgres::Start(&why);
  if (!cluster) GTEST_SKIP() << why;
  auto index = PostgresFts::Build(cluster->Url(), Articles());
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  ExpectPeerRanks(**index, /*stems=*/true);
  auto bytes = (*index)->Bytes();
  ASSERT_TRUE(bytes.has_value());
  EXPECT_GT(*bytes, 0u);
  // Built again, the table is replaced, not added to.
  auto again = PostgresFts::Build(cluster->Url(), {Articles()[2]});
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(Ids((*again)->Search("password export", 10)), (std::vector<std::string>{"export"}));
  // A server that is not there is named.
  auto refused = PostgresFts::Build("postgresql://postgres@127.0.0.1:1/postgres", Articles());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message().rfind("postgres: cannot connect: ", 0), 0u) << refused.error().message();
}

}  // namespace
}  // namespace kb::peer
