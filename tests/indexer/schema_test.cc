#include "indexer/document.h"
#include "indexer/schema.h"
#include "indexer/base/utf8.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kb::schema {
namespace {

Article Sample() {
  Article a;
  a.id = "reset-password";
  a.title = "Reset your password";
  a.locale = "de-AT";
  a.type = ArticleType::kFaq;
  a.product = "web";
  a.category = "account";
  a.tags = {"login"};
  a.audience = ArticleAudience::kInternal;
  a.updated = "2026-08-14";
  a.questions = {"forgot password"};
  a.body_text = "Open the sign-in page.";
  a.body_markdown = "Open the **sign-in** page.";
  a.steps = {"one", "two"};
  return a;
}

Xapian::termcount Wdf(const Xapian::Document& doc, const std::string& term) {
  auto it = doc.termlist_begin();
  it.skip_to(term);
  if (it == doc.termlist_end() || *it != term) return 0;
  return it.get_wdf();
}

TEST(SchemaTest, ArticleHashChangesWithEveryField) {
  const std::uint64_t base = ArticleHash(Sample());
  EXPECT_EQ(ArticleHash(Sample()), base);
  const std::vector<void (*)(Article&)> edits = {
      [](Article& a) { a.id += "x"; },
      [](Article& a) { a.locale = "de"; },
      [](Article& a) { a.title += "!"; },
      [](Article& a) { a.type = ArticleType::kTroubleshooting; },
      [](Article& a) { a.product = "desktop"; },
      [](Article& a) { a.category = "billing"; },
      [](Article& a) { a.audience = ArticleAudience::kPublic; },
      [](Article& a) { a.updated = "2026-08-15"; },
      [](Article& a) { a.body_markdown += " "; },
      [](Article& a) { a.body_text[0] = 'o'; },  // one letter inside the first eight bytes
      [](Article& a) { a.body_text.back() = '!'; },  // and in the tail
      [](Article& a) { a.tags.push_back("sso"); },
      [](Article& a) { a.questions.clear(); },
      [](Article& a) { a.steps[1] = "three"; },
      // Text moved between fields, or between values of one field.
      [](Article& a) { a.title = "Reset your"; a.product = "password web"; },
      [](Article& a) { a.steps = {"onetwo"}; },
      [](Article& a) { a.steps = {"one", "two", ""}; },
      [](Article& a) { std::swap(a.questions, a.tags); },
      // A trailing NUL reads like the padding of a last partial word.
      [](Article& a) { a.title.push_back('\0'); },
  };
  std::vector<std::uint64_t> seen = {base};
  for (std::size_t i = 0; i < edits.size(); ++i) {
    Article a = Sample();
    edits[i](a);
    const std::uint64_t h = ArticleHash(a);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), h), 0) << "edit " << i;
    seen.push_back(h);
  }
}

TEST(SchemaTest, WeighsFieldsInTheCombinedText) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  // "password" occurs in the title (x4) and in a question (x3).
  EXPECT_EQ(Wdf(doc, "Zpassword"), kWdfScale * (FieldWeight(Field::kTitle) + FieldWeight(Field::kQuestions)));
  EXPECT_EQ(Wdf(doc, "Zopen"), kWdfScale * FieldWeight(Field::kBody));
  EXPECT_EQ(Wdf(doc, "Zlogin"), kWdfScale * FieldWeight(Field::kTags));
}

TEST(SchemaTest, MeasuresEachFieldsLength) {
  // Title 3 words, question 2, tag 1, body 5.
  EXPECT_EQ(Lengths(Sample()), (FieldLengths{{3, 2, 1, 5}}));
}

TEST(SchemaTest, NormalisesEachFieldByItsOwnLength) {
  // Every field of average length keeps its weighted frequencies...
  Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{{3, 2, 1, 5}});
  EXPECT_EQ(Wdf(doc, "Zopen"), 16u);
  EXPECT_EQ(Wdf(doc, "Zpassword"), 16u * 7);
  // ...a body twice as long as average is divided by 1 - b + 2b = 1.75,
  // and the title, of average length, is not.
  doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{{3, 2, 1, 2.5}});
  EXPECT_EQ(Wdf(doc, "Zopen"), 9u);                      // round(16 / 1.75)
  EXPECT_EQ(Wdf(doc, "Zpassword"), 16u * 7);
  // A title half the average length weighs more: 4 / (0.25 + 0.75 * 0.5).
  doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{{6, 2, 1, 5}});
  EXPECT_EQ(Wdf(doc, "Zpassword"), 150u);                // round(16 * (6.4 + 3))
  EXPECT_EQ(NormalisedWdf(0.01), 1u);                    // never below 1
  EXPECT_DOUBLE_EQ(LengthNorm(20, 10), 1.75);
  EXPECT_DOUBLE_EQ(LengthNorm(20, 0), 1.0);              // no average: no normalisation
}

TEST(SchemaTest, AverageLengthsRoundTripThroughMetadata) {
  const FieldLengths l{{4.5, 0, 1.25, 80}};
  EXPECT_EQ(ParseLengths(FormatLengths(l)), l);
  EXPECT_EQ(ParseLengths(""), std::nullopt);
  EXPECT_EQ(ParseLengths("1 2 3"), std::nullopt);          // a field short
  EXPECT_EQ(ParseLengths("1 2 3 4 5"), std::nullopt);      // one too many
  EXPECT_EQ(ParseLengths("1 2 x 4"), std::nullopt);
  EXPECT_EQ(ParseLengths("1 -2 3 4"), std::nullopt);
}

TEST(SchemaTest, IndexesShortFieldsUnderTheirPrefixes) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  EXPECT_EQ(Wdf(doc, "ZSreset"), 1u);
  EXPECT_EQ(Wdf(doc, "ZXQforgot"), 1u);
  EXPECT_EQ(Wdf(doc, "ZXTlogin"), 1u);
  EXPECT_EQ(Wdf(doc, "ZSopen"), 0u);  // a body word is not a title word
}

// "sign-in" is also indexed as "signin", at the weight of its parts and
// without a position of its own; "email" then finds "e-mail".
TEST(SchemaTest, IndexesHyphenatedWordsAlsoAsOneWord) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  EXPECT_EQ(Wdf(doc, "Zsignin"), Wdf(doc, "Zsign"));
  EXPECT_EQ(Wdf(doc, "Zsignin"), Wdf(doc, "Zpage"));
  auto it = doc.termlist_begin();
  it.skip_to("Zsignin");
  ASSERT_EQ(*it, "Zsignin");
  EXPECT_EQ(it.positionlist_count(), 0u);
  Article a = Sample();
  a.title = "Wi-Fi, e-mail and x - y: E-Mail-Adresse";
  const Xapian::Document titled = MakeDocument(a, text::Analyzer("en"), FieldLengths{});
  EXPECT_EQ(Wdf(titled, "ZSwifi"), 1u);
  EXPECT_EQ(Wdf(titled, "ZSemail"), 2u);
  EXPECT_EQ(Wdf(titled, "ZSemailadress"), 1u);  // a run of parts, whole
  EXPECT_EQ(Wdf(titled, "ZSmailadress"), 1u);   // and in pairs
  EXPECT_EQ(Wdf(titled, "ZSxy"), 0u);  // a dash between spaces joins nothing
  EXPECT_EQ(Wdf(titled, "ZSfie"), 0u);  // nor does a comma
  std::vector<std::string> words = SpellingWords(a);
  std::sort(words.begin(), words.end());
  EXPECT_TRUE(std::binary_search(words.begin(), words.end(), "email"));
  EXPECT_TRUE(std::binary_search(words.begin(), words.end(), "signin"));
}

TEST(SchemaTest, FieldsDoNotTouchInPositions) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  auto it = doc.termlist_begin();
  it.skip_to("Zpassword");  // last title word, position 3
  ASSERT_EQ(*it, "Zpassword");
  std::vector<Xapian::termpos> positions(it.positionlist_begin(), it.positionlist_end());
  EXPECT_EQ(positions, (std::vector<Xapian::termpos>{3, 3 + kFieldGap + 2}));
}

TEST(SchemaTest, AddsBooleanTermsAndValues) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  for (const char* term : {"Qde-AT:reset-password", "Lde-AT", "Lde", "XPweb", "XCaccount", "XYfaq", "XAinternal",
                           "Klogin"}) {
    EXPECT_EQ(Wdf(doc, term), 0u) << term;
    auto it = doc.termlist_begin();
    it.skip_to(term);
    ASSERT_NE(it, doc.termlist_end()) << term;
    EXPECT_EQ(*it, term);
  }
  EXPECT_EQ(doc.get_value(kSlotUpdated), "20260814");
}

TEST(SchemaTest, IndexesTitleWordPrefixesForTypeAhead) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{});
  for (const char* term : {"XEr", "XEre", "XEres", "XEpass", "XEy", "XEyo", "XEyou"}) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    ASSERT_NE(it, doc.termlist_end()) << term;
    EXPECT_EQ(*it, term);
  }
  auto it = doc.termlist_begin();
  it.skip_to("XEpassw");  // only up to four characters
  EXPECT_TRUE(it == doc.termlist_end() || *it != "XEpassw");
}

TEST(SchemaTest, MakeDocumentReportsTheSpellingWordsItSaw) {
  std::vector<std::string> words;
  (void)MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{}, nullptr, &words);
  std::vector<std::string> expected = SpellingWords(Sample());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(words, expected);
  EXPECT_FALSE(words.empty());
}

TEST(SchemaTest, PositionsOnlyForPhraseWords) {
  const PhraseWords phrase = {"password"};
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{}, &phrase);
  auto positions = [&](const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    return std::vector<Xapian::termpos>(it.positionlist_begin(), it.positionlist_end());
  };
  EXPECT_EQ(positions("Zpassword").size(), 2u);
  EXPECT_TRUE(positions("Zreset").empty());
  EXPECT_EQ(Wdf(doc, "Zreset"), Wdf(MakeDocument(Sample(), text::Analyzer("en"), FieldLengths{}), "Zreset"));
}

TEST(SchemaTest, WordPrefixesAreWholeCharacters) {
  EXPECT_EQ(WordPrefixes("sync"), (std::vector<std::string>{"s", "sy", "syn", "sync"}));
  EXPECT_EQ(WordPrefixes("go"), (std::vector<std::string>{"g", "go"}));
  EXPECT_EQ(WordPrefixes("パスワード"), (std::vector<std::string>{"パ", "パス", "パスワ", "パスワー"}));
}

TEST(SchemaTest, BooleanTermsSeparateUpperCaseValues) {
  EXPECT_EQ(BooleanTerm("XC", "Billing"), "XC:Billing");
  EXPECT_EQ(BooleanTerm("XC", "billing"), "XCbilling");
  EXPECT_EQ(BooleanTerm("K", "Login"), "KLogin");
}

TEST(SchemaTest, StoredArticleRoundTrips) {
  const Article a = Sample();
  const Xapian::Document doc = MakeDocument(a, text::Analyzer("en"), FieldLengths{});
  const Article summary = StoredArticle(doc, StoredParts::kSummary);
  EXPECT_EQ(summary.id, a.id);
  EXPECT_EQ(summary.title, a.title);
  EXPECT_EQ(summary.locale, a.locale);
  EXPECT_EQ(summary.audience, a.audience);
  EXPECT_EQ(summary.updated, a.updated);
  EXPECT_EQ(summary.tags, a.tags);
  EXPECT_TRUE(summary.body_text.empty());
  const Article all = StoredArticle(doc, StoredParts::kAll);
  EXPECT_EQ(all.body_text, a.body_text);
  EXPECT_EQ(all.body_markdown, a.body_markdown);
  EXPECT_EQ(all.questions, a.questions);
  EXPECT_EQ(all.steps, a.steps);
}

// A sharded index's page: what a result reads, summary and plain text, and
// nothing else; anything that is not a page reads as an internal article
// without an id.
TEST(SchemaTest, APageHoldsTheSummaryAndTheTextOnly) {
  const Article a = Sample();
  const Xapian::Document doc = MakeDocument(a, text::Analyzer("en"), FieldLengths{});
  const Xapian::Document page = PageDocument(PageOf(doc));
  EXPECT_EQ(page.termlist_count(), 0u);
  const Article read = StoredArticle(page, StoredParts::kAll);
  EXPECT_EQ(read.id, a.id);
  EXPECT_EQ(read.title, a.title);
  EXPECT_EQ(read.category, a.category);
  EXPECT_EQ(read.audience, a.audience);
  EXPECT_EQ(read.body_text, a.body_text);
  EXPECT_TRUE(read.body_markdown.empty());
  EXPECT_TRUE(read.questions.empty());
  for (const std::string bad : {"", "not a page", "\x05\xff\xff"}) {
    const Article none = StoredArticle(PageDocument(bad), StoredParts::kAll);
    EXPECT_EQ(none.id, "") << bad;
    EXPECT_EQ(none.audience, ArticleAudience::kInternal) << bad;
  }
  EXPECT_EQ(PageKey(42), "kb:doc:42");
}

// kText reads the body's text from its slot, without the data record: the
// same text as kAll, whatever the other fields hold.
TEST(SchemaTest, TheTextAloneIsReadAsAllOfTheArticleReadsIt) {
  for (const std::string body : {"plain", "say \"text\":\"no\"", "back\\slash\\", "tab\t\u00e9 日本", "", "}"}) {
    Article a = Sample();
    a.body_text = body;
    a.body_markdown = "**" + body + "**";
    a.questions = {body};
    a.steps = {body};
    const Xapian::Document doc = MakeDocument(a, text::Analyzer("en"), FieldLengths{});
    EXPECT_EQ(doc.get_value(kSlotSummary).ends_with(body.empty() ? "}" : "}" + std::string(1, '\0') + body), true);
    const Article text = StoredArticle(doc, StoredParts::kText);
    EXPECT_EQ(text.body_text, body);
    EXPECT_EQ(text.body_text, StoredArticle(doc, StoredParts::kAll).body_text);
    EXPECT_EQ(text.id, a.id);
    EXPECT_TRUE(text.body_markdown.empty());
    EXPECT_TRUE(text.questions.empty());
    EXPECT_EQ(doc.get_data().find("\"text\""), std::string::npos) << "the text is stored once";
  }
  // Text that is not valid UTF-8 is stored with U+FFFD, as the data is.
  Article bad = Sample();
  bad.body_text = "caf\xE9 ok";
  EXPECT_EQ(StoredArticle(MakeDocument(bad, text::Analyzer("en"), FieldLengths{}), StoredParts::kText).body_text,
            "caf\uFFFD ok");
  // A summary that holds the separator in a string is still read whole.
  Article nul = Sample();
  nul.title = std::string("a\0b", 3);
  nul.body_text = std::string("x\0y", 3);
  const Article nul_read = StoredArticle(MakeDocument(nul, text::Analyzer("en"), FieldLengths{}), StoredParts::kText);
  EXPECT_EQ(nul_read.title, nul.title);
  EXPECT_EQ(nul_read.body_text, nul.body_text);
  // An index of schema version 7 kept the text in the data, and is read.
  Xapian::Document old;
  old.add_value(kSlotSummary, R"({"id":"a","audience":"public"})");
  old.set_data(R"({"body":"**x** y","questions":["q?"],"steps":[],"text":"x y"})");
  EXPECT_EQ(StoredArticle(old, StoredParts::kText).body_text, "x y");
  const Article all = StoredArticle(old, StoredParts::kAll);
  EXPECT_EQ(all.body_text, "x y");
  EXPECT_EQ(all.body_markdown, "**x** y");
  EXPECT_EQ(all.questions, std::vector<std::string>{"q?"});
}

TEST(SchemaTest, TermStatisticsRoundTripAndRefuseMalformedText) {
  EXPECT_EQ(TermStatsKey("Zrefund"), std::optional<std::string>("kb:tf:Zrefund"));
  EXPECT_EQ(TermStatsKey(std::string(234, 'a'))->size(), 240u);
  EXPECT_EQ(TermStatsKey(std::string(235, 'a')), std::nullopt);  // too long for a key: read from the shards
  const TermStats stats{.all = 4294967295u, .visible = 7};
  EXPECT_EQ(FormatTermStats(stats), "4294967295 7");
  EXPECT_EQ(ParseTermStats("4294967295 7"), stats);
  EXPECT_EQ(ParseTermStats("0 0"), TermStats{});
  for (const std::string bad : {"", "3", "3 ", " 3", "3 4", "4294967296 1", "-1 0", "1 x", "1  1", "1 1 1", "12345678901 1"}) {
    EXPECT_EQ(ParseTermStats(bad), std::nullopt) << bad;
  }
}

// The readers refuse invalid UTF-8; if any reached the writer, it would be
// stored replaced, not thrown (nlohmann's dump() throws on it).
TEST(SchemaTest, InvalidUtf8IsStoredReplacedNotThrown) {
  Article a = Sample();
  a.title = "a\x85 b";
  a.tags = {"\xA0"};
  a.body_markdown = "caf\xE9";
  Xapian::Document doc;
  ASSERT_NO_THROW(doc = MakeDocument(a, text::Analyzer("en"), FieldLengths{}));
  const Article stored = StoredArticle(doc, StoredParts::kAll);
  EXPECT_EQ(stored.title, "a\xEF\xBF\xBD b");
  EXPECT_EQ(stored.tags, (std::vector<std::string>{"\xEF\xBF\xBD"}));
  EXPECT_EQ(stored.body_markdown, "caf\xEF\xBF\xBD");
  EXPECT_EQ(stored.id, a.id);
}

// Whatever a document holds (another program's, a damaged one), decoding
// does not throw; what cannot be read is empty, and the audience internal.
TEST(SchemaTest, StoredArticleReadsAnyDocumentWithoutThrowing) {
  Xapian::Document doc;
  doc.add_value(kSlotSummary, R"({"id": 7, "title": ["x"], "tags": "login", "audience": null, "locale": "en"})");
  doc.set_data(R"({"questions": [1, "q", null], "body": {"a": 1}, "steps": 3})");
  Article a;
  ASSERT_NO_THROW(a = StoredArticle(doc, StoredParts::kAll));
  EXPECT_EQ(a.id, "");
  EXPECT_EQ(a.title, "");
  EXPECT_EQ(a.locale, "en");
  EXPECT_TRUE(a.tags.empty());
  EXPECT_EQ(a.audience, ArticleAudience::kInternal);
  EXPECT_EQ(a.questions, (std::vector<std::string>{"q"}));
  EXPECT_EQ(a.body_markdown, "");
  EXPECT_TRUE(a.steps.empty());

  Xapian::Document garbage;
  garbage.add_value(kSlotSummary, "\xFF{not json");
  garbage.set_data("[1, 2");
  ASSERT_NO_THROW(a = StoredArticle(garbage, StoredParts::kAll));
  EXPECT_EQ(a.id, "");
  EXPECT_EQ(a.audience, ArticleAudience::kInternal);
}

}  // namespace
}  // namespace kb::schema

namespace kb::schema {
namespace {

TEST(InternalSpellingTest, MovesEachCharacterIntoItsOwnAlphabetAndBack) {
  const std::string s = InternalSpelling("dunning");
  EXPECT_EQ(Utf8Length(s), 7u);
  EXPECT_EQ(s.size(), 28u);  // four bytes a character
  EXPECT_TRUE(HasInternalSpelling(s));
  EXPECT_FALSE(HasInternalSpelling("dunning"));
  EXPECT_EQ(FromInternalSpelling(s), "dunning");
  EXPECT_EQ(FromInternalSpelling(InternalSpelling("zurücksetzen")), "zurücksetzen");
  EXPECT_EQ(FromInternalSpelling(InternalSpelling("パスワード")), "パスワード");
  EXPECT_EQ(FromInternalSpelling("dunning"), "");
  EXPECT_EQ(InternalSpelling("emoji\xF0\x9F\x98\x80"), "");  // outside the Basic Multilingual Plane
  EXPECT_EQ(SpellingEntry("refund", ArticleAudience::kPublic), "refund");
  EXPECT_EQ(SpellingEntry("refund", ArticleAudience::kInternal), InternalSpelling("refund"));
}

}  // namespace
}  // namespace kb::schema
