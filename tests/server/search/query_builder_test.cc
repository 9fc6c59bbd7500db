#include "server/search/query_builder.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include "indexer/base/temp_dir.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/schema.h"
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb::search {
namespace {

using testing::MakeArticle;

// A small help center on disk: typo correction needs spelling data, which
// the in-memory backend does not keep.
class QueryBuilderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("query-builder");
    const std::vector<Article> articles = {
        MakeArticle("reset-password", "en", "How do I reset my password?",
                    "Open the sign-in page and choose Forgot password. We email you a reset link."),
        MakeArticle("backup", "en", "Backup your files", "A backup runs every night. Restore one from the settings."),
        MakeArticle("sign-in", "en", "Trouble with sign in", "If sign in fails, clear cookies."),
        MakeArticle("invoices", "en", "Download an invoice", "Invoices are in your account settings."),
    };
    ASSERT_TRUE(BuildIndex(articles, tmp_->path() + "/index",
                           Synonyms{{"en", {{"sign in", "log in", "login"}, {"invoice", "bill"}}}}));
    db_ = new Xapian::Database(tmp_->path() + "/index");
    vocabulary_ = new Vocabulary(*db_, Audience::kAgent);
    synonyms_ =
        new SynonymTable(SynonymTable::FromJson(db_->get_metadata(std::string(schema::kMetaSynonymsPrefix) + "en")));
  }
  static void TearDownTestSuite() {
    delete synonyms_;
    delete vocabulary_;
    delete db_;
    delete tmp_;
  }

  QueryContext Context(RankingOptions ranking = {}, const text::WordList* words = nullptr) const {
    return QueryContext{.analyzer = en_, .ranking = ranking, .synonyms = synonyms_, .words = words, .vocabulary = *vocabulary_};
  }

  std::vector<QueryWord> Words(std::string_view text) const { return SplitIntoWords(text, en_); }

  std::string Description(std::string_view text, RankingOptions ranking = {}) const {
    return BuildQuery(text, Context(ranking)).query.get_description();
  }

  static TempDir* tmp_;
  static Xapian::Database* db_;
  static Vocabulary* vocabulary_;
  static SynonymTable* synonyms_;
  text::Analyzer en_{"en"};
};

TempDir* QueryBuilderTest::tmp_ = nullptr;
Xapian::Database* QueryBuilderTest::db_ = nullptr;
Vocabulary* QueryBuilderTest::vocabulary_ = nullptr;
SynonymTable* QueryBuilderTest::synonyms_ = nullptr;

// The words of `words` for which `has` holds.
template <typename Predicate>
std::vector<std::string> TermsWhere(const std::vector<QueryWord>& words, Predicate has) {
  std::vector<std::string> out;
  for (const QueryWord& w : words) {
    if (has(w)) out.push_back(w.term);
  }
  return out;
}

std::vector<std::string> Labels(const AnalyzedQuery& q) {
  std::vector<std::string> out;
  for (const AnalyzedQuery::Part& p : q.explained) out.push_back(p.label);
  return out;
}

using Strings = std::vector<std::string>;

TEST_F(QueryBuilderTest, SplitsTextIntoStemmedWords) {
  const std::vector<QueryWord> words = Words("Resetting passwords, e-mail");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(TermsWhere(words, [](const QueryWord&) { return true; }),
            (Strings{"resetting", "passwords", "e", "mail"}));
  const std::pair<std::size_t, std::size_t> offsets[] = {{0, 9}, {10, 19}, {21, 22}, {23, 27}};
  const char* stems[] = {"reset", "password", "e", "mail"};
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(words[i].typed_stem, stems[i]);
    EXPECT_EQ(words[i].stem, stems[i]);
    EXPECT_EQ(std::make_pair(words[i].begin, words[i].end), offsets[i]);
    EXPECT_FALSE(words[i].in_synonym || words[i].function_word);
  }
}

// Synonyms.

TEST_F(QueryBuilderTest, ExpandSynonymsMarksEntriesAndTheirGroups) {
  const std::vector<QueryWord> words = ExpandSynonyms(Words("can't log in"), Context());
  EXPECT_EQ(TermsWhere(words, [](const QueryWord& w) { return w.in_synonym; }), (Strings{"log", "in"}));
  EXPECT_EQ(words[1].synonym_groups, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(words[0].synonym_groups.empty());
  EXPECT_TRUE(words[2].synonym_groups.empty());
}

TEST_F(QueryBuilderTest, ExpandSynonymsSearchesEachGroupOnce) {
  const std::vector<QueryWord> words = ExpandSynonyms(Words("login or log in"), Context());
  EXPECT_EQ(TermsWhere(words, [](const QueryWord& w) { return w.in_synonym; }), (Strings{"login", "log", "in"}));
  EXPECT_EQ(words[0].synonym_groups, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(words[2].synonym_groups.empty());  // "log in": the same group again
}

TEST_F(QueryBuilderTest, ExpandSynonymsTakesTheLongestEntryAndTheShorterOnesGroups) {
  const SynonymTable table = SynonymTable::FromJson(R"([[["sign", "in"], ["login"]], [["sign"], ["signatur"]]])");
  QueryContext context = Context();
  context.synonyms = &table;
  const std::vector<QueryWord> words = ExpandSynonyms(Words("sign in here"), context);
  EXPECT_EQ(TermsWhere(words, [](const QueryWord& w) { return w.in_synonym; }), (Strings{"sign", "in"}));
  EXPECT_EQ(words[0].synonym_groups, (std::vector<std::size_t>{1, 0}));
}

TEST_F(QueryBuilderTest, SynonymGroupsAreSearchedAsOneTerm) {
  EXPECT_EQ(Description("can't log in"),
            "Query((((Zsign PHRASE 2 Zin) SYNONYM (Zlog PHRASE 2 Zin) SYNONYM Zlogin) OR "
            "0.2000000000000000111 * Zcant))");
  // Off, "log" is a word and "in" a function word.
  EXPECT_EQ(Description("can't log in", {.synonyms = false}),
            "Query(((Zlog OR 1 * ZSlog) OR 0.2000000000000000111 * Zcant OR 0.2000000000000000111 * Zin))");
  EXPECT_TRUE(ExpandSynonyms(Words("log in"), Context({.synonyms = false}))[0].synonym_groups.empty());
}

// Function words.

TEST_F(QueryBuilderTest, MarkFunctionWordsMarksStopwordsOutsideSynonyms) {
  QueryContext context = Context();
  EXPECT_EQ(TermsWhere(MarkFunctionWords(Words("how do i reset my password"), context),
                       [](const QueryWord& w) { return w.function_word; }),
            (Strings{"how", "do", "i", "my"}));
  // "in" is a function word, but part of "log in".
  EXPECT_EQ(TermsWhere(MarkFunctionWords(ExpandSynonyms(Words("can't log in"), context), context),
                       [](const QueryWord& w) { return w.function_word; }),
            (Strings{"cant"}));
}

TEST_F(QueryBuilderTest, MarkFunctionWordsKeepsAQueryOfNothingElse) {
  EXPECT_EQ(TermsWhere(MarkFunctionWords(Words("how do i"), Context()),
                       [](const QueryWord& w) { return w.function_word; }),
            Strings{});
}

TEST_F(QueryBuilderTest, FunctionWordsWeighAFifth) {
  EXPECT_EQ(Description("how do i reset my password"),
            "Query(((Zreset OR 1 * ZSreset) OR (Zpassword OR 1 * ZSpassword) OR 0.2000000000000000111 * Zhow OR "
            "0.2000000000000000111 * Zdo OR 0.2000000000000000111 * Zi OR 0.2000000000000000111 * Zmy))");
  EXPECT_EQ(Description("how do i reset my password", {.stopwords = false}),
            "Query(((Zhow OR 1 * ZShow) OR (Zdo OR 1 * ZSdo) OR (Zi OR 1 * ZSi) OR (Zreset OR 1 * ZSreset) OR "
            "(Zmy OR 1 * ZSmy) OR (Zpassword OR 1 * ZSpassword)))");
}

// Typos.

TEST_F(QueryBuilderTest, CorrectTyposSearchesForTheNearestIndexedWord) {
  const std::vector<QueryWord> words = CorrectTypos(Words("pasword reset"), Context());
  EXPECT_EQ(words[0].correction, "password");
  EXPECT_EQ(words[0].typed_stem, "pasword");
  EXPECT_EQ(words[0].stem, "password");
  EXPECT_EQ(words[1].correction, "");
  EXPECT_EQ(words[1].stem, "reset");
  EXPECT_EQ(DidYouMean("Pasword reset!", words), "password reset!");
  EXPECT_EQ(DidYouMean("reset", Words("reset")), "");
}

TEST_F(QueryBuilderTest, CorrectTyposLeavesRealWordsWhileTheQueryFindsSomething) {
  auto list = text::WordList::Parse("rest\n");
  ASSERT_TRUE(list.has_value());
  auto corrected = [&](std::string_view text, const text::WordList* words) {
    return TermsWhere(CorrectTypos(Words(text), Context({}, words)),
                      [](const QueryWord& w) { return !w.correction.empty(); });
  };
  EXPECT_EQ(corrected("rest password", &*list), Strings{});
  EXPECT_EQ(corrected("rest", &*list), (Strings{"rest"}));  // finds nothing as typed
  EXPECT_EQ(corrected("rest password", nullptr), (Strings{"rest"}));
}

TEST_F(QueryBuilderTest, TyposOff) {
  EXPECT_EQ(CorrectTypos(Words("pasword"), Context({.typos = false}))[0].stem, "pasword");
  EXPECT_EQ(BuildQuery("pasword reset", Context()).did_you_mean, "password reset");
  EXPECT_EQ(Description("pasword reset", {.typos = false}),
            "Query(((Zpasword OR 1 * ZSpasword) OR (Zreset OR 1 * ZSreset)))");
  EXPECT_EQ(BuildQuery("pasword reset", Context({.typos = false})).did_you_mean, "");
}

// Compounds.

TEST_F(QueryBuilderTest, FindCompoundsJoinsWordsTypedApart) {
  const std::vector<QueryWord> words = FindCompounds(Words("back up files"), Context());
  EXPECT_EQ(words[0].joined, "backup");
  EXPECT_EQ(words[1].joined, "");
  EXPECT_EQ(words[2].joined, "");
  // A function word does not start a compound ("i nvoice" is not "invoice").
  EXPECT_EQ(FindCompounds(MarkFunctionWords(Words("i nvoice"), Context()), Context())[0].joined, "");
}

TEST_F(QueryBuilderTest, FindCompoundsSplitsAWordTypedForTwo) {
  EXPECT_EQ(FindCompounds(Words("resetpassword"), Context())[0].split, (Strings{"reset", "password"}));
  EXPECT_EQ(FindCompounds(Words("password"), Context())[0].split, Strings{});  // known
}

TEST_F(QueryBuilderTest, CompoundsOff) {
  EXPECT_EQ(Description("back up resetpassword"),
            "Query(((Zback OR 1 * ZSback) OR (Zup OR 1 * ZSup) OR (Zresetpassword OR 1 * ZSresetpassword) OR "
            "Zbackup OR (Zreset OR Zpassword)))");
  EXPECT_EQ(Description("back up resetpassword", {.compounds = false}),
            "Query(((Zback OR 1 * ZSback) OR (Zup OR 1 * ZSup) OR (Zresetpassword OR 1 * ZSresetpassword)))");
}

// What is searched for.

TEST_F(QueryBuilderTest, CollectTermsSearchesEachStemOnce) {
  QueryContext context = Context();
  auto terms = [&](std::string_view text) {
    return CollectTerms(FindCompounds(MarkFunctionWords(ExpandSynonyms(Words(text), context), context), context));
  };
  QueryTerms t = terms("how do i reset my password reset");
  EXPECT_EQ(t.stems, (Strings{"reset", "password"}));
  EXPECT_EQ(t.weak, (Strings{"how", "do", "i", "my"}));
  EXPECT_TRUE(t.compounds.empty());
  EXPECT_TRUE(t.synonym_groups.empty());
  // The words typed apart come first: "backup" is then not searched again.
  t = terms("back up backup");
  EXPECT_EQ(t.stems, (Strings{"back", "up"}));
  ASSERT_EQ(t.compounds.size(), 1u);
  EXPECT_EQ(t.compounds[0].typed, "back up");
  EXPECT_EQ(t.compounds[0].stems, (Strings{"backup"}));
  // Typed first, "backup" leaves no compound to add.
  t = terms("backup back up");
  EXPECT_EQ(t.stems, (Strings{"backup", "back", "up"}));
  EXPECT_TRUE(t.compounds.empty());
  t = terms("where is my bill");
  EXPECT_EQ(t.synonym_groups, (std::vector<std::size_t>{1}));
  EXPECT_TRUE(t.stems.empty());
}

// Field boost.

TEST_F(QueryBuilderTest, BoostTitleFieldsAddsTheTitleTerm) {
  EXPECT_EQ(BoostTitleFields(Xapian::Query("Zpassword"), "password", {}).get_description(),
            "Query((Zpassword OR 1 * ZSpassword))");
  EXPECT_EQ(BoostTitleFields(Xapian::Query("Zpassword"), "password", {.field_boost = false}).get_description(),
            "Query(Zpassword)");
  EXPECT_EQ(Description("password", {.field_boost = false}), "Query(Zpassword)");
}

// Proximity.

TEST_F(QueryBuilderTest, AddProximityRewardsNeighbouringWords) {
  const Xapian::Query words(Xapian::Query::OP_OR, Xapian::Query("Zreset"), Xapian::Query("Zpassword"));
  // kPhraseWeight and kProximityWeight: 0.10 and 0.05 against 0.85.
  EXPECT_EQ(AddProximity(words, {"reset", "password"}, {.proximity = true}).get_description(),
            "Query(((Zreset OR Zpassword) AND_MAYBE (0.11764705882352942401 * (Zreset PHRASE 2 Zpassword) OR "
            "0.058823529411764712005 * (Zreset NEAR 8 Zpassword))))");
  EXPECT_EQ(AddProximity(words, {"reset", "password"}, {}).get_description(), "Query((Zreset OR Zpassword))");
  EXPECT_EQ(AddProximity(Xapian::Query("Zreset"), {"reset"}, {.proximity = true}).get_description(), "Query(Zreset)");
  EXPECT_EQ(Description("reset password", {.proximity = true}),
            "Query((((Zreset OR 1 * ZSreset) OR (Zpassword OR 1 * ZSpassword)) AND_MAYBE (0.11764705882352942401 * "
            "(Zreset PHRASE 2 Zpassword) OR 0.058823529411764712005 * (Zreset NEAR 8 Zpassword))))");
  EXPECT_EQ(Description("reset password"), "Query(((Zreset OR 1 * ZSreset) OR (Zpassword OR 1 * ZSpassword)))");
}

// The whole query.

TEST_F(QueryBuilderTest, ExplainsEachScoringPart) {
  const AnalyzedQuery q = BuildQuery("where is my bill back up", Context());
  EXPECT_EQ(Labels(q), (Strings{"invoic | bill", "back", "back (title boost)", "up", "up (title boost)",
                                "backup (typed \"back up\")", "where (function word)", "is (function word)",
                                "my (function word)"}));
  EXPECT_EQ(q.marks, (Strings{"invoic", "bill", "back", "up", "backup"}));
  EXPECT_STREQ(q.explained[2].only_field, "title");
  EXPECT_EQ(q.explained[1].only_field, nullptr);
  EXPECT_EQ(q.explained[0].stems, (Strings{"invoic", "bill"}));
  EXPECT_EQ(q.query.get_description(),
            "Query(((Zinvoic SYNONYM Zbill) OR (Zback OR 1 * ZSback) OR (Zup OR 1 * ZSup) OR Zbackup OR "
            "0.2000000000000000111 * Zwhere OR 0.2000000000000000111 * Zis OR 0.2000000000000000111 * Zmy))");
}

TEST_F(QueryBuilderTest, TextWithoutWordsBuildsNoQuery) {
  const AnalyzedQuery q = BuildQuery("?!? :: ()", Context());
  EXPECT_TRUE(q.query.empty());
  EXPECT_TRUE(q.explained.empty());
  EXPECT_TRUE(q.marks.empty());
}

}  // namespace
}  // namespace kb::search
