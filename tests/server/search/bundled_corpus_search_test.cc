// Real customer sentences in each bundled language, against the bundled help
// center, built the way kb-index builds it (synonyms and spelling data
// included).
#include <algorithm>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

class BundledCorpusSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("bundled");
    const std::string corpus_dir = std::string(KB_SOURCE_DIR) + "/corpus";
    auto corpus = ReadCorpus(corpus_dir);
    ASSERT_TRUE(corpus.has_value());
    auto synonyms = ReadSynonyms(corpus_dir);
    ASSERT_TRUE(synonyms.has_value());
    ASSERT_TRUE(BuildIndex(corpus->articles, tmp_->path() + "/index", *synonyms));
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }

  std::string Top(const std::string& locale, const std::string& query, std::string* did_you_mean = nullptr,
                  const std::string& dictionary_dir = "") {
    auto searcher =
        Searcher::Open(SearcherOptions{.index_paths = {tmp_->path() + "/index"}, .dictionary_dir = dictionary_dir});
    EXPECT_TRUE(searcher.has_value());
    auto r = (*searcher)->Search(SearchRequest{.query = query, .locale = locale});
    EXPECT_TRUE(r.has_value());
    if (!r || r->hits.empty()) return "";
    if (did_you_mean != nullptr) *did_you_mean = r->did_you_mean;
    return r->hits[0].id + "@" + r->hits[0].locale;
  }

  static TempDir* tmp_;
};

TempDir* BundledCorpusSearchTest::tmp_ = nullptr;

TEST_F(BundledCorpusSearchTest, English) {
  EXPECT_EQ(Top("en", "I forgot my password and can't log in"), "reset-password@en");
  EXPECT_EQ(Top("en", "my invoice shows the wrong VAT number"), "vat-and-tax-ids@en");
  EXPECT_EQ(Top("en", "how do I get my money back"), "request-refund@en");
}

TEST_F(BundledCorpusSearchTest, EnglishTypos) {
  std::string fixed;
  EXPECT_EQ(Top("en", "sycn is stuck at 99 percent", &fixed), "sync-stuck@en");
  EXPECT_EQ(fixed, "sync is stuck at 99 percent");
  EXPECT_EQ(Top("en", "how do i resett my pasword", &fixed), "reset-password@en");
  EXPECT_EQ(fixed, "how do i reset my password");
  // A real word the help center does not use is not "corrected" into one
  // two letters away ("percent" is not "parent").
  EXPECT_EQ(Top("en", "refund percent", &fixed), "request-refund@en");
  EXPECT_EQ(fixed, "");
}

// With the language's word list, a real word the help center lacks stays as
// typed, unless the query would otherwise find nothing.
TEST_F(BundledCorpusSearchTest, RealWordsAreNotCorrected) {
  const std::string dict = tmp_->path() + "/dict";
  testing::WriteFile(dict, "american-english", "Expert\nexpert's\ninvoice\nzebra\n");
  std::string fixed;
  // Without the word list "expert" is read as a typo of "export", and the
  // audit log export outranks the invoice.
  EXPECT_EQ(Top("en", "expert download invoice", &fixed), "admin-audit-log@en");
  EXPECT_EQ(fixed, "export download invoice");
  EXPECT_EQ(Top("en", "expert download invoice", &fixed, dict), "download-invoice@en");
  EXPECT_EQ(fixed, "");
  EXPECT_EQ(Top("en", "expert download invoce", &fixed, dict), "download-invoice@en");
  EXPECT_EQ(fixed, "expert download invoice");  // typos are still fixed
  // Alone, "expert" finds nothing as typed: the nearest corpus word it is.
  EXPECT_EQ(Top("en", "expert", &fixed, dict), "admin-audit-log@en");
  EXPECT_EQ(fixed, "export");
}

// Function words typed before the partial word are not required, but titles
// that have them come first.
TEST_F(BundledCorpusSearchTest, SuggestPrefersTitlesWithTheTypedFunctionWords) {
  auto searcher = Searcher::Open(SearcherOptions{.index_paths = {tmp_->path() + "/index"}});
  ASSERT_TRUE(searcher.has_value());
  auto s = (*searcher)->Suggest(SuggestRequest{.query = "how do i re", .locale = "en", .limit = 3});
  ASSERT_TRUE(s.has_value());
  std::vector<std::string> titles;
  for (const Suggestion& x : *s) titles.push_back(x.text);
  EXPECT_EQ(titles, (std::vector<std::string>{"How do I reset my password?",
                                              "How do I register an OAuth app for the Driftbox API?",
                                              "What are recovery codes and how do I use them?"}));
  // A title without them is still found.
  s = (*searcher)->Suggest(SuggestRequest{.query = "why does re", .locale = "en", .limit = 50});
  ASSERT_TRUE(s.has_value());
  titles.clear();
  for (const Suggestion& x : *s) titles.push_back(x.text);
  EXPECT_NE(std::find(titles.begin(), titles.end(), "API returns 429 Too Many Requests (DBX-5029)"), titles.end());
}

// Type-ahead forgives typos as search does: in a finished word, and in the
// word being typed when nothing starts with it.
TEST_F(BundledCorpusSearchTest, SuggestForgivesTypos) {
  auto searcher = Searcher::Open(SearcherOptions{.index_paths = {tmp_->path() + "/index"}});
  ASSERT_TRUE(searcher.has_value());
  auto titles = [&](const std::string& query) {
    auto s = (*searcher)->Suggest(SuggestRequest{.query = query, .locale = "en", .limit = 3});
    EXPECT_TRUE(s.has_value());
    std::vector<std::string> out;
    for (const Suggestion& x : *s) out.push_back(x.text);
    return out;
  };
  const std::vector<std::string> password = {"Password reset link says it has expired", "How do I reset my password?",
                                             "My new password is rejected"};
  EXPECT_EQ(titles("password re"), password);
  EXPECT_EQ(titles("pasword re"), password);
  EXPECT_EQ(titles("passwrd"), password);
  EXPECT_EQ(titles("invocie"), (std::vector<std::string>{"Where can I download my invoices?",
                                                         "How do I add a VAT number or tax ID to my invoices?"}));
  EXPECT_EQ(titles("zzzz"), (std::vector<std::string>{}));
}

TEST_F(BundledCorpusSearchTest, German) {
  EXPECT_EQ(Top("de", "Wie kann ich mein Passwort zurücksetzen?"), "reset-password@de");
  EXPECT_EQ(Top("de-AT", "Ich möchte mein Abo kündigen"), "cancel-subscription@de");
  EXPECT_EQ(Top("de", "Die Synchronisierung hängt seit gestern"), "sync-stuck@de");
  // The article writes "E-Mail-Adresse".
  EXPECT_EQ(Top("de", "neue emailadresse eintragen"), "change-email@de");
}

// Hyphenated words are also indexed as one: "email" finds every German
// article that writes "E-Mail", and only those.
TEST_F(BundledCorpusSearchTest, HyphenatedWordsAreFoundWrittenAsOne) {
  auto searcher = Searcher::Open(SearcherOptions{.index_paths = {tmp_->path() + "/index"}});
  ASSERT_TRUE(searcher.has_value());
  auto r = (*searcher)->Search(SearchRequest{.query = "email", .locale = "de", .limit = 100, .snippets = false});
  ASSERT_TRUE(r.has_value());
  std::vector<std::string> ids;
  for (const SearchHit& h : r->hits) ids.push_back(h.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"account-locked", "cancel-subscription", "change-email", "download-invoice",
                                           "gdpr-data-processing-agreement", "payment-declined", "request-refund",
                                           "reset-password", "sepa-direct-debit", "share-folder", "sso-login-loop"}));
}

TEST_F(BundledCorpusSearchTest, Japanese) {
  EXPECT_EQ(Top("ja", "パスワードを忘れてしまいました"), "reset-password@ja");
  EXPECT_EQ(Top("ja", "同期が終わらないのですがどうすればいいですか"), "sync-stuck@ja");
  EXPECT_EQ(Top("ja", "請求書をダウンロードしたい"), "download-invoice@ja");
}

}  // namespace
}  // namespace kb::search
