#include "indexer/schema.h"

#include <gtest/gtest.h>

namespace kb::schema {
namespace {

Article Sample() {
  Article a;
  a.id = "reset-password";
  a.title = "Reset your password";
  a.locale = "de-AT";
  a.type = "faq";
  a.product = "web";
  a.category = "account";
  a.tags = {"login"};
  a.audience = "internal";
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

TEST(SchemaTest, WeighsFieldsInTheCombinedText) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), /*average_length=*/0);
  // "password" occurs in the title (x4) and in a question (x3).
  EXPECT_EQ(Wdf(doc, "Zpassword"), kWdfScale * (kTitleWeight + kQuestionsWeight));
  EXPECT_EQ(Wdf(doc, "Zopen"), kWdfScale * kBodyWeight);
  EXPECT_EQ(Wdf(doc, "Zlogin"), kWdfScale * kTagsWeight);
}

TEST(SchemaTest, NormalisesLengthAtIndexTime) {
  // Title 3 words x4, question 2 x3, tag 1 x2, body 5 x1.
  EXPECT_EQ(WeightedLength(Sample()), 25.0);
  // An article of average length keeps its weighted frequencies...
  Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), 25.0);
  EXPECT_EQ(Wdf(doc, "Zopen"), 16u);
  // ...one twice as long as average is divided by 1 - b + 2b = 1.75.
  doc = MakeDocument(Sample(), text::Analyzer("en"), 12.5);
  EXPECT_EQ(Wdf(doc, "Zopen"), 9u);                      // round(16 / 1.75)
  EXPECT_EQ(Wdf(doc, "Zpassword"), 64u);                 // round(16 * 7 / 1.75)
  EXPECT_EQ(NormalisedWdf(1, 1000, 10), 1u);             // never below 1
}

TEST(SchemaTest, IndexesShortFieldsUnderTheirPrefixes) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), /*average_length=*/0);
  EXPECT_EQ(Wdf(doc, "ZSreset"), 1u);
  EXPECT_EQ(Wdf(doc, "ZXQforgot"), 1u);
  EXPECT_EQ(Wdf(doc, "ZXTlogin"), 1u);
  EXPECT_EQ(Wdf(doc, "ZSopen"), 0u);  // a body word is not a title word
}

TEST(SchemaTest, FieldsDoNotTouchInPositions) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), /*average_length=*/0);
  auto it = doc.termlist_begin();
  it.skip_to("Zpassword");  // last title word, position 3
  ASSERT_EQ(*it, "Zpassword");
  std::vector<Xapian::termpos> positions(it.positionlist_begin(), it.positionlist_end());
  EXPECT_EQ(positions, (std::vector<Xapian::termpos>{3, 3 + kFieldGap + 2}));
}

TEST(SchemaTest, AddsBooleanTermsAndValues) {
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), /*average_length=*/0);
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
  const Xapian::Document doc = MakeDocument(Sample(), text::Analyzer("en"), 0);
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
  const Xapian::Document doc = MakeDocument(a, text::Analyzer("en"), 0);
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

}  // namespace
}  // namespace kb::schema
