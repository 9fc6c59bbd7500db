// An index built as shards (BuildShardedIndex) and searched as one
// (several index_paths) ranks exactly as the single index of the same
// articles: the same top 10, with the same scores, snippets, totals,
// corrections and facets, and the same suggestions as one types, for every
// query of bench/data/driftbox-en, typos
// and synonyms included; and for agents too. The same for every query of
// ../shared/eval/stackfaq.
#include <filesystem>
#include <fstream>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/lines.h"
#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/document.h"
#include "indexer/schema.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"
#include "server/search/vocabulary.h"
#include "tests/server/search/shard_comparison.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

// Builds `corpus` (with the synonyms of DATA) as one index and as 3 shards, and compares what both
// answer to every query of DATA/queries.tsv, for customers and for agents.
void ExpectShardsRankAsOneIndex(const std::string& data, const std::string& corpus) {
  TempDir tmp("shards");
  CorpusBuildOptions options;
  options.title_required = false;
  options.synonyms_dir = data;
  options.index.full = true;
  auto built = BuildFromCorpus(corpus, tmp.path() + "/one", options);
  ASSERT_TRUE(built.has_value()) << built.error().errors.front().ToString();
  options.shards = 3;
  auto sharded_build = BuildFromCorpus(corpus, tmp.path() + "/shards", options);
  ASSERT_TRUE(sharded_build.has_value()) << sharded_build.error().errors.front().ToString();
  const std::size_t articles = built->corpus.articles.size();
  EXPECT_EQ(sharded_build->stats.articles, static_cast<int>(articles));

  const std::string dict = "/usr/share/dict";
  auto one = Searcher::Open(SearcherOptions{.index_paths = {tmp.path() + "/one"}, .dictionary_dir = dict});
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  SearcherOptions sharded{.index_paths = ShardedIndexPaths(tmp.path() + "/shards", 3), .dictionary_dir = dict};
  auto together = Searcher::Open(sharded);
  ASSERT_TRUE(together.has_value()) << together.error().ToString();
  EXPECT_EQ((*together)->DocumentCount(), (*one)->DocumentCount());
  EXPECT_EQ((*together)->DocumentCount(Audience::kPublic), (*one)->DocumentCount(Audience::kPublic));

  const std::vector<std::string> queries = Queries(data + "/queries.tsv");
  ASSERT_GT(queries.size(), 50u);
  int corrected = 0;
  for (const std::string& q : queries) {
    for (const Audience audience : {Audience::kPublic, Audience::kAgent}) {
      const SearchRequest request{.query = q, .locale = "en", .audience = audience, .facets = true};
      const auto a = (*one)->Search(request);
      EXPECT_EQ(Describe((*together)->Search(request)), Describe(a)) << q;
      if (a && !a->did_you_mean.empty()) ++corrected;
      // And the titles proposed as it is typed.
      const SuggestRequest typed{.query = q.substr(0, q.size() / 2 + 1), .locale = "en", .audience = audience};
      EXPECT_EQ(Titles((*together)->Suggest(typed)), Titles((*one)->Suggest(typed))) << typed.query;
    }
  }
  EXPECT_GT(corrected, 0);  // typo correction is compared too
}

TEST(ShardedIndexTest, ShardsSearchedTogetherRankAsOneIndexOnDriftbox) {
  const std::string data = std::string(KB_SOURCE_DIR) + "/bench/data/driftbox-en";
  ExpectShardsRankAsOneIndex(data, data + "/corpus");
}

// ../shared/eval/stackfaq: real questions, where near-equal scores are
// common (answers of one thread share their title).
TEST(ShardedIndexTest, ShardsSearchedTogetherRankAsOneIndexOnStackfaq) {
  const std::string data = std::string(KB_EVAL_DIR) + "/stackfaq";
  if (!std::filesystem::exists(data + "/corpus.jsonl")) GTEST_SKIP() << "no evaluation data at " << data;
  ExpectShardsRankAsOneIndex(data, data + "/corpus.jsonl");
}

TEST(ShardedIndexTest, ShardsAreRoundRobinOfTheWholeIndex) {
  const std::string data = std::string(KB_SOURCE_DIR) + "/bench/data/driftbox-en";
  auto corpus = ReadCorpus(data + "/corpus");
  ASSERT_TRUE(corpus.has_value()) << corpus.error().ToString();
  TempDir tmp("shards");
  auto shards = BuildShardedIndex(corpus->articles, tmp.path() + "/shards", 3);
  ASSERT_TRUE(shards.has_value()) << shards.error().ToString();
  ASSERT_EQ(shards->size(), 3u);
  int articles = 0;
  for (const BuildStats& s : *shards) articles += s.articles;
  EXPECT_EQ(articles, static_cast<int>(corpus->articles.size()));
  EXPECT_EQ((*shards)[0].articles - (*shards)[2].articles, corpus->articles.size() % 3 == 0 ? 0 : 1);
}

// The lexicon holds what searches read of every article without asking the
// shards: the statistics of every term, for everyone and for customers,
// and each article's page under its docid in the whole index. A Vocabulary
// reading them answers as one over the single index does.
TEST(ShardedIndexTest, TheLexiconHoldsTheWholeIndexsTermStatisticsAndPages) {
  const std::string data = std::string(KB_SOURCE_DIR) + "/bench/data/driftbox-en";
  auto corpus = ReadCorpus(data + "/corpus");
  ASSERT_TRUE(corpus.has_value()) << corpus.error().ToString();
  TempDir tmp("shards");
  ASSERT_TRUE(BuildIndex(corpus->articles, tmp.path() + "/one"));
  ASSERT_TRUE(BuildShardedIndex(corpus->articles, tmp.path() + "/shards", 3));
  const Xapian::Database one(tmp.path() + "/one");
  const Xapian::Database lexicon(LexiconPath(tmp.path() + "/shards"));
  Xapian::Database together;
  for (const std::string& path : ShardedIndexPaths(tmp.path() + "/shards", 3)) together.add_database(Xapian::Database(path));
  ASSERT_EQ(lexicon.get_doccount(), 0u);
  EXPECT_EQ(lexicon.get_metadata(std::string(schema::kMetaTermStats)), "1");
  EXPECT_EQ(lexicon.get_metadata(std::string(schema::kMetaPages)), "1");
  ASSERT_EQ(TermStatsOf(together, 4), &together);
  EXPECT_EQ(TermStatsOf(one, 1), nullptr);

  const Vocabulary customers(one, Audience::kPublic), agents(one, Audience::kAgent);
  const Vocabulary customers_of_shards(together, Audience::kPublic, &lexicon);
  const Vocabulary agents_of_shards(together, Audience::kAgent, &lexicon);
  const std::string internal = schema::BooleanTerm(schema::kAudience, "internal");
  ASSERT_GT(one.get_termfreq(internal), 0u);
  int terms = 0, hidden = 0;
  for (auto t = one.allterms_begin(); t != one.allterms_end(); ++t) {
    const std::string term = *t;
    if (term.starts_with(schema::kId)) continue;
    ++terms;
    const auto stats = schema::ParseTermStats(lexicon.get_metadata(*schema::TermStatsKey(term)));
    ASSERT_TRUE(stats.has_value()) << term;
    EXPECT_EQ(stats->all, t.get_termfreq()) << term;
    EXPECT_EQ(stats->visible, customers.TermFreq(term)) << term;
    if (stats->visible == 0) ++hidden;
    EXPECT_EQ(customers_of_shards.TermFreq(term), customers.TermFreq(term)) << term;
    EXPECT_EQ(customers_of_shards.Knows(term), customers.Knows(term)) << term;
    EXPECT_EQ(agents_of_shards.TermFreq(term), agents.TermFreq(term)) << term;
    EXPECT_EQ(customers_of_shards.AllTermFreq(term), t.get_termfreq()) << term;
  }
  EXPECT_GT(terms, 1000);
  EXPECT_GT(hidden, 0);  // words of internal articles only: known to agents alone
  for (const std::string word : {"Zzzunknown", "Sunknown"}) {
    EXPECT_EQ(customers_of_shards.TermFreq(word), 0u);
    EXPECT_FALSE(agents_of_shards.Knows(word));
  }
  ASSERT_FALSE(customers.TermsWithPrefix("XEpa").empty());
  for (const std::string prefix : {"ZSre", "XEpa", "XL", "XG", "Zq"}) {
    EXPECT_EQ(customers_of_shards.TermsWithPrefix(prefix), customers.TermsWithPrefix(prefix)) << prefix;
    EXPECT_EQ(customers_of_shards.HasPrefix(prefix), customers.HasPrefix(prefix)) << prefix;
  }
  // Pages, by the whole index's docid.
  for (Xapian::docid d = 1; d <= one.get_lastdocid(); ++d) {
    const Article a = schema::StoredArticle(one.get_document(d), schema::StoredParts::kAll);
    const Article page = schema::StoredArticle(schema::PageDocument(lexicon.get_metadata(schema::PageKey(d))),
                                               schema::StoredParts::kAll);
    EXPECT_EQ(page.id, a.id);
    EXPECT_EQ(page.title, a.title);
    EXPECT_EQ(page.locale, a.locale);
    EXPECT_EQ(page.category, a.category);
    EXPECT_EQ(page.audience, a.audience);
    EXPECT_EQ(page.updated, a.updated);
    EXPECT_EQ(page.body_text, a.body_text);
  }
  EXPECT_EQ(lexicon.get_metadata(schema::PageKey(one.get_lastdocid() + 1)), "");
}

TEST(ShardedIndexTest, ShardCountsAreChecked) {
  TempDir tmp("shards");
  for (const std::size_t n : {std::size_t{0}, kMaxIndexShards + 1}) {
    auto refused = BuildShardedIndex({}, tmp.path() + "/shards", n);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message(), fmt::format("--shards must be from 1 to 64, got {}", n));
  }
  ASSERT_TRUE(BuildIndex({}, tmp.path() + "/single"));
  auto refused = BuildShardedIndex({}, tmp.path() + "/single", 2);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            tmp.path() + "/single holds an index of one shard; build the shards in another directory");
}

}  // namespace
}  // namespace kb::search
