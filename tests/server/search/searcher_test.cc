#include "server/search/searcher.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include "indexer/corpus/synonyms.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher_xapian.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

using testing::MakeArticle;

class SearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Article> articles = {
        MakeArticle("reset-password", "en", "How do I reset my password?",
             "Open the sign-in page and choose Forgot password. We email you a reset link."),
        MakeArticle("login-401", "en", "Login fails with error 401",
             "If signing in fails with 401, your session expired. Clear cookies and sign in again.", "public",
             "account", "troubleshooting"),
        MakeArticle("billing-intro", "en", "Invoices and billing",
             "Your invoice lists every charge. A password is never printed on an invoice.", "public", "billing"),
        MakeArticle("refund-limits", "en", "Refund approval limits",
             "Agents may refund up to 200 USD without approval.", "internal", "policies"),
        MakeArticle("reset-password", "de", "Wie setze ich mein Passwort zurück?",
             "Öffnen Sie die Anmeldeseite und wählen Sie „Passwort vergessen“."),
        MakeArticle("reset-password", "ja", "パスワードをリセットする方法",
             "サインインページで「パスワードをお忘れですか」を選択します。"),
    };
    articles[0].tags = {"login", "password"};
    articles[1].tags = {"login"};
    articles[2].product = "billing-portal";
    articles[3].tags = {"refunds"};
    auto db = BuildInMemoryIndex(articles);
    ASSERT_TRUE(db.has_value());
    searcher_db_ = *db;
    searcher_ = SearcherFromDatabase(*db, SearcherOptions{});
  }

  std::vector<std::string> Ids(const SearchRequest& request) {
    auto r = searcher_->Search(request);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    std::vector<std::string> ids;
    if (r) {
      for (const SearchHit& h : r->hits) ids.push_back(h.id + "@" + h.locale);
    }
    return ids;
  }

  std::vector<std::string> Ids(std::string query, std::string locale = "en", Audience audience = Audience::kPublic) {
    SearchRequest request;
    request.query = std::move(query);
    request.locale = std::move(locale);
    request.audience = audience;
    return Ids(request);
  }

  Xapian::Database searcher_db_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearcherTest, TitleMatchesOutrankBodyMatches) {
  EXPECT_EQ(Ids("password"), (std::vector<std::string>{"reset-password@en", "billing-intro@en"}));
}

TEST_F(SearcherTest, StemsQueryWords) {
  EXPECT_EQ(Ids("resetting passwords"), (std::vector<std::string>{"reset-password@en", "billing-intro@en"}));
}

TEST_F(SearcherTest, QuestionWordsDoNotDrownTheQuery) {
  EXPECT_EQ(Ids("how do i get an invoice").front(), "billing-intro@en");
}

// Words typed apart that the index has as one, and one word typed for two.
TEST_F(SearcherTest, FindsWordsTypedApartOrTogether) {
  auto parts = [&](const std::string& query) {
    auto r = searcher_->Search(SearchRequest{.query = query, .locale = "en", .explain = true});
    EXPECT_TRUE(r.has_value());
    std::vector<std::string> out;
    if (r && !r->hits.empty()) {
      out.push_back(r->hits[0].id);
      for (const TermExplanation& e : r->hits[0].explanation) out.push_back(e.term);
    }
    return out;
  };
  // ("log" alone is in no article.)
  EXPECT_EQ(parts("log in error"), (std::vector<std::string>{"login-401", "error", "error (title boost)",
                                                             "login (typed \"log in\")", "in (function word)"}));
  EXPECT_EQ(parts("resetpassword"),
            (std::vector<std::string>{"reset-password", "reset password (typed \"resetpassword\")"}));
  // A function word does not start a compound ("i nvoice" is not
  // "invoice"): only "i" itself matches.
  EXPECT_EQ(Ids("i nvoice"), (std::vector<std::string>{"reset-password@en"}));
  // Off, neither is found.
  auto plain = SearcherFromDatabase(searcher_db_, SearcherOptions{.ranking = {.compounds = false}});
  auto r = plain->Search(SearchRequest{.query = "resetpassword", .locale = "en"});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->hits.empty());
}

TEST_F(SearcherTest, InternalArticlesOnlyForAgents) {
  EXPECT_EQ(Ids("refund approval"), (std::vector<std::string>{}));
  EXPECT_EQ(Ids("refund approval", "en", Audience::kAgent), (std::vector<std::string>{"refund-limits@en"}));
  auto r = searcher_->Search(SearchRequest{.query = "refund", .locale = "en"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->total_estimate, 0);
}

TEST_F(SearcherTest, HitsCarryTheirMetadata) {
  auto r = searcher_->Search(SearchRequest{.query = "error 401", .locale = "en"});
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->hits.size(), 1u);
  const SearchHit& h = r->hits[0];
  EXPECT_EQ(h.id, "login-401");
  EXPECT_EQ(h.title, "Login fails with error 401");
  EXPECT_EQ(h.locale, "en");
  EXPECT_EQ(h.category, "account");
  EXPECT_EQ(h.type, ArticleType::kTroubleshooting);
  EXPECT_EQ(h.updated, "2026-01-02");
  EXPECT_GT(h.score, 0);
  EXPECT_EQ(h.snippet,
            "If signing in fails with <mark>401</mark>, your session expired. Clear cookies and sign in again.");
}

TEST_F(SearcherTest, FiltersByCategoryAndType) {
  SearchRequest r{.query = "password", .locale = "en"};
  r.filters.category = "billing";
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"billing-intro@en"}));
  r.filters = {};
  r.filters.type = ArticleType::kTroubleshooting;
  EXPECT_EQ(Ids(r), (std::vector<std::string>{}));
  r.query = "sign in";
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"login-401@en"}));
}

TEST_F(SearcherTest, RestrictsToTheRequestLanguage) {
  EXPECT_EQ(Ids("Passwort zurücksetzen", "de-AT"), (std::vector<std::string>{"reset-password@de"}));
  // Diacritics are folded on both sides.
  EXPECT_EQ(Ids("passwort zurucksetzen", "de"), (std::vector<std::string>{"reset-password@de"}));
}

TEST_F(SearcherTest, FallsBackToTheDefaultLocale) {
  // No French articles: the English ones answer.
  EXPECT_EQ(Ids("invoice", "fr-CA"), (std::vector<std::string>{"billing-intro@en"}));
  // German articles exist but none matches: still the default locale.
  EXPECT_EQ(Ids("invoice", "de"), (std::vector<std::string>{"billing-intro@en"}));
}

TEST_F(SearcherTest, FindsJapaneseByWords) {
  EXPECT_EQ(Ids("パスワードを忘れた", "ja"), (std::vector<std::string>{"reset-password@ja"}));
  EXPECT_EQ(Ids("リセット", "ja"), (std::vector<std::string>{"reset-password@ja"}));
}

TEST_F(SearcherTest, WithoutALocaleSearchesEveryLanguage) {
  EXPECT_EQ(Ids("passwort", ""), (std::vector<std::string>{"reset-password@de"}));
}

TEST_F(SearcherTest, CustomerTextIsNeverASyntaxError) {
  for (const char* q : {"401 AND (NOT", "\"error 401", "error: 401 #login", "OR 401 OR", "[401]]", "401 -login",
                        "Error 401: Unauthorized (request id abc-123)."}) {
    auto ids = Ids(q);
    ASSERT_FALSE(ids.empty()) << q;
    EXPECT_EQ(ids.front(), "login-401@en") << q;
  }
}

TEST_F(SearcherTest, PunctuationOnlyQueryFindsNothing) {
  auto r = searcher_->Search(SearchRequest{.query = "?!? :: ()", .locale = "en"});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->hits.empty());
  EXPECT_EQ(r->total_estimate, 0);
}

TEST_F(SearcherTest, StopwordOnlyQueryStillSearches) {
  // "how do i" alone is all stopwords: they are kept rather than dropped.
  EXPECT_EQ(Ids("how do I").front(), "reset-password@en");
}

TEST_F(SearcherTest, EmptyQueryIsAnError) {
  for (const char* q : {"", "   ", "\t\n"}) {
    auto r = searcher_->Search(SearchRequest{.query = q});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(), "query is empty: type a few words to search for");
  }
}

TEST_F(SearcherTest, RejectsBadPaging) {
  auto r = searcher_->Search(SearchRequest{.query = "password", .offset = -1});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "offset must be >= 0, got -1");
  r = searcher_->Search(SearchRequest{.query = "password", .limit = 0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "limit must be between 1 and 1000, got 0");
}

TEST_F(SearcherTest, PagesThroughResults) {
  SearchRequest r{.query = "password", .locale = "en", .offset = 1, .limit = 1};
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"billing-intro@en"}));
}

TEST_F(SearcherTest, CountsFacetsOverTheVisibleMatches) {
  SearchRequest r{.query = "password refund sign", .locale = "en", .facets = true};
  auto response = searcher_->Search(r);
  ASSERT_TRUE(response.has_value());
  // The internal refund article matches too, but a public request never counts it.
  EXPECT_EQ(response->facets["category"], (std::map<std::string, std::int64_t>{{"account", 2}, {"billing", 1}}));
  EXPECT_EQ(response->facets["type"], (std::map<std::string, std::int64_t>{{"faq", 2}, {"troubleshooting", 1}}));
  EXPECT_EQ(response->facets["product"], (std::map<std::string, std::int64_t>{{"billing-portal", 1}, {"web", 2}}));
  // An article counts once under each of its tags.
  EXPECT_EQ(response->facets["tags"], (std::map<std::string, std::int64_t>{{"login", 2}, {"password", 1}}));
  r.audience = Audience::kAgent;
  response = searcher_->Search(r);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->facets["category"],
            (std::map<std::string, std::int64_t>{{"account", 2}, {"billing", 1}, {"policies", 1}}));
  EXPECT_EQ(response->facets["tags"],
            (std::map<std::string, std::int64_t>{{"login", 2}, {"password", 1}, {"refunds", 1}}));
}

TEST_F(SearcherTest, FacetCountsEqualTheFilteredMatches) {
  // Each facet value's count is the number of matches that filtering on it
  // returns.
  SearchRequest r{.query = "password refund sign invoice", .locale = "en", .audience = Audience::kAgent,
                  .limit = 100, .facets = true};
  auto all = searcher_->Search(r);
  ASSERT_TRUE(all.has_value());
  for (const auto& [tag, n] : all->facets["tags"]) {
    SearchRequest f = r;
    f.filters.tags = {tag};
    auto filtered = searcher_->Search(f);
    ASSERT_TRUE(filtered.has_value());
    EXPECT_EQ(static_cast<std::int64_t>(filtered->hits.size()), n) << tag;
  }
  for (const auto& [category, n] : all->facets["category"]) {
    SearchRequest f = r;
    f.filters.category = category;
    auto filtered = searcher_->Search(f);
    ASSERT_TRUE(filtered.has_value());
    EXPECT_EQ(static_cast<std::int64_t>(filtered->hits.size()), n) << category;
  }
}

TEST_F(SearcherTest, SuggestsTitlesForAPartialLastWord) {
  auto s = searcher_->Suggest(SuggestRequest{.query = "pass", .locale = "en"});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].text, "How do I reset my password?");
  EXPECT_EQ((*s)[0].id, "reset-password");
  s = searcher_->Suggest(SuggestRequest{.query = "p", .locale = "en"});  // one letter
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].id, "reset-password");
  s = searcher_->Suggest(SuggestRequest{.query = "passwo", .locale = "en"});  // past the indexed prefixes
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].id, "reset-password");
  s = searcher_->Suggest(SuggestRequest{.query = "login fa", .locale = "en"});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].id, "login-401");
  s = searcher_->Suggest(SuggestRequest{.query = "refund appr", .locale = "en"});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->empty());  // internal
  s = searcher_->Suggest(SuggestRequest{.query = "refund appr", .locale = "en", .audience = Audience::kAgent});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  s = searcher_->Suggest(SuggestRequest{.query = "パス", .locale = "ja"});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].locale, "ja");
  s = searcher_->Suggest(SuggestRequest{.query = "  ", .locale = "en"});
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->empty());
}

TEST_F(SearcherTest, GetsArticlesWithLocaleFallback) {
  auto a = searcher_->GetArticle(ArticleRequest{.id = "reset-password", .locale = "de-AT"});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->locale, "de");
  EXPECT_EQ(a->title, "Wie setze ich mein Passwort zurück?");
  a = searcher_->GetArticle(ArticleRequest{.id = "login-401", .locale = "fr"});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->locale, "en");  // the default locale
  EXPECT_EQ(a->body_text, "If signing in fails with 401, your session expired. Clear cookies and sign in again.");
}

TEST_F(SearcherTest, InternalArticlesAreNotFoundForThePublic) {
  auto a = searcher_->GetArticle(ArticleRequest{.id = "refund-limits", .locale = "en"});
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(a.error().message(), "no article 'refund-limits'");
  a = searcher_->GetArticle(ArticleRequest{.id = "refund-limits", .locale = "en", .audience = Audience::kAgent});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->audience, ArticleAudience::kInternal);
  EXPECT_EQ(searcher_->DocumentCount(), 6);
}

class SynonymSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = BuildInMemoryIndex(
        {MakeArticle("sign-in-help", "en", "Trouble with sign in", "If sign in fails, clear cookies."),
         MakeArticle("log-book", "en", "Your activity log", "The log lists where you were in the app."),
         MakeArticle("invoices", "en", "Download an invoice", "Invoices are in your account settings.")},
        Synonyms{{"en", {{"sign in", "log in", "login"}, {"invoice", "bill"}}}});
    ASSERT_TRUE(db.has_value());
    db_ = *db;
  }
  std::vector<std::string> Ids(const std::string& query, bool synonyms) {
    SearcherOptions options;
    options.ranking.synonyms = synonyms;
    auto s = SearcherFromDatabase(db_, options);
    auto r = s->Search(SearchRequest{.query = query, .locale = "en"});
    EXPECT_TRUE(r.has_value());
    std::vector<std::string> ids;
    for (const SearchHit& h : r->hits) ids.push_back(h.id);
    return ids;
  }
  Xapian::Database db_;
};

TEST_F(SynonymSearchTest, APhraseSynonymMatchesAsAPhrase) {
  // "log in" is a phrase of the "sign in" group: it finds the sign-in
  // article, and the activity log (which has "log" and "in", apart) does not
  // outrank it.
  EXPECT_EQ(Ids("can't log in", true).front(), "sign-in-help");
  EXPECT_EQ(Ids("login problem", true), (std::vector<std::string>{"sign-in-help"}));
  EXPECT_EQ(Ids("login problem", false), (std::vector<std::string>{}));
}

TEST_F(SynonymSearchTest, SingleWordSynonyms) {
  // Function words still count a little: "where" finds the activity log,
  // below the invoice article that "bill" finds through its synonym.
  EXPECT_EQ(Ids("where is my bill", true), (std::vector<std::string>{"invoices", "log-book"}));
  EXPECT_EQ(Ids("where is my bill", false), (std::vector<std::string>{"log-book"}));
}

TEST(SearcherOpenTest, MissingIndexIsNotFound) {
  auto s = Searcher::Open(SearcherOptions{.index_paths = {"/nonexistent/kb-index"}});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.error().message(), "no index at /nonexistent/kb-index: build one with 'kb-index build'");
}

}  // namespace
}  // namespace kb::search
