#include "server/search/vocabulary.h"

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/schema.h"
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

using testing::MakeArticle;

class VocabularyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("vocabulary");
    std::vector<Article> articles = {
        MakeArticle("a", "en", "Billing questions", "Invoices are sent monthly to every customer."),
        MakeArticle("b", "en", "Refunds", "A customer may ask for a refund."),
        MakeArticle("c", "en", "Dunning runbook", "Dunning reminders for a customer who has not paid.", "internal"),
        MakeArticle("d", "en", "Write-offs", "Dunning ends with a write-off; invoices are closed.", "internal"),
    };
    ASSERT_TRUE(BuildIndex(articles, tmp_->path() + "/index"));
    db_ = new Xapian::Database(tmp_->path() + "/index");
  }
  static void TearDownTestSuite() {
    delete db_;
    delete tmp_;
  }

  static std::string Z(std::string_view stem) { return std::string(schema::kStemmed) + std::string(stem); }

  static TempDir* tmp_;
  static Xapian::Database* db_;
};

TempDir* VocabularyTest::tmp_ = nullptr;
Xapian::Database* VocabularyTest::db_ = nullptr;

TEST_F(VocabularyTest, PublicFrequenciesCountPublicArticlesOnly) {
  const Vocabulary customers(*db_, Audience::kPublic), agents(*db_, Audience::kAgent);
  EXPECT_EQ(customers.TermFreq(Z("custom")), 2u);
  EXPECT_EQ(agents.TermFreq(Z("custom")), 3u);
  EXPECT_EQ(customers.TermFreq(Z("invoic")), 1u);
  EXPECT_EQ(agents.TermFreq(Z("invoic")), 2u);
  EXPECT_EQ(customers.TermFreq(Z("dun")), 0u);
  EXPECT_EQ(agents.TermFreq(Z("dun")), 2u);
  EXPECT_EQ(customers.TermFreq(Z("nosuchword")), 0u);
}

TEST_F(VocabularyTest, APublicRequestDoesNotKnowInternalWords) {
  const Vocabulary customers(*db_, Audience::kPublic), agents(*db_, Audience::kAgent);
  EXPECT_TRUE(customers.Knows(Z("refund")));
  EXPECT_TRUE(customers.Knows(Z("custom")));
  EXPECT_FALSE(customers.Knows(Z("dun")));
  EXPECT_FALSE(customers.Knows(Z("remind")));
  EXPECT_TRUE(agents.Knows(Z("dun")));
  EXPECT_TRUE(agents.Knows(Z("remind")));
}

TEST_F(VocabularyTest, PublicTyposAreCorrectedToPublicWordsOnly) {
  const Vocabulary customers(*db_, Audience::kPublic), agents(*db_, Audience::kAgent);
  EXPECT_EQ(customers.SpellingSuggestion("dunnig", 1), "");
  EXPECT_EQ(agents.SpellingSuggestion("dunnig", 1), "dunning");
  EXPECT_EQ(customers.SpellingSuggestion("remindrs", 1), "");
  EXPECT_EQ(agents.SpellingSuggestion("remindrs", 1), "reminders");
  EXPECT_EQ(customers.SpellingSuggestion("invoicse", 2), "invoices");
  EXPECT_EQ(agents.SpellingSuggestion("invoicse", 2), "invoices");
  EXPECT_EQ(customers.SpellingSuggestion("refnd", 1), "refund");
}

TEST_F(VocabularyTest, TheInternalAlphabetCannotBeTypedIn) {
  const Vocabulary customers(*db_, Audience::kPublic), agents(*db_, Audience::kAgent);
  const std::string probe = schema::InternalSpelling("dunnig");
  ASSERT_FALSE(probe.empty());
  EXPECT_EQ(customers.SpellingSuggestion(probe, 1), "");
  EXPECT_EQ(agents.SpellingSuggestion(probe, 1), "");
  EXPECT_EQ(customers.SpellingSuggestion(probe + "x", 2), "");
}

}  // namespace
}  // namespace kb::search
