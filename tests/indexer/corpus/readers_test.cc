#include "indexer/corpus/readers.h"

#include <gtest/gtest.h>

#include "tests/guarded_copy.h"

#include "indexer/corpus/fields.h"

namespace kb {
namespace {

const ArticleDefaults kDefaults{.locale = "en", .category = "account"};

// Expects exactly one error, and returns it.
Error OnlyError(const ReadResult& r) {
  EXPECT_TRUE(r.articles.empty());
  EXPECT_EQ(r.errors.size(), 1u);
  return r.errors.empty() ? Error::Internal("no error") : r.errors[0];
}

constexpr std::string_view kGood =
    "---\n"
    "id: login-error-401\n"
    "title: \"Login fails with error 401\"\n"
    "type: troubleshooting\n"
    "locale: en\n"
    "product: web\n"
    "tags: [login, '401']\n"
    "audience: public\n"
    "updated: 2026-08-14\n"
    "questions:\n"
    "  - can't sign in\n"
    "  - error 401 when logging in\n"
    "---\n"
    "## Symptoms\n"
    "\n"
    "The sign-in page says **Error 401: unauthorized**.\n"
    "\n"
    "## Cause\n"
    "\n"
    "Your session expired.\n"
    "\n"
    "## Steps\n"
    "\n"
    "1. Sign out of every tab.\n"
    "2. Clear cookies for `driftbox.example`.\n"
    "3. Sign in again.\n"
    "\n"
    "- not a step\n";

TEST(MarkdownReaderTest, ReadsEveryField) {
  ReadResult r = ParseMarkdownArticle(kGood, kDefaults);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].ToString();
  ASSERT_EQ(r.articles.size(), 1u);
  const Article& a = r.articles[0];
  EXPECT_EQ(a.id, "login-error-401");
  EXPECT_EQ(a.title, "Login fails with error 401");
  EXPECT_EQ(a.type, ArticleType::kTroubleshooting);
  EXPECT_EQ(a.locale, "en");
  EXPECT_EQ(a.product, "web");
  EXPECT_EQ(a.category, "account");  // from the defaults (the path)
  EXPECT_EQ(a.tags, (std::vector<std::string>{"login", "401"}));
  EXPECT_EQ(a.audience, ArticleAudience::kPublic);
  EXPECT_EQ(a.updated, "2026-08-14");
  EXPECT_EQ(a.questions, (std::vector<std::string>{"can't sign in", "error 401 when logging in"}));
  EXPECT_EQ(a.steps, (std::vector<std::string>{"Sign out of every tab.", "Clear cookies for driftbox.example.",
                                               "Sign in again."}));
  EXPECT_EQ(a.source.line, 1);
  EXPECT_NE(a.body_text.find("The sign-in page says Error 401: unauthorized."), std::string::npos) << a.body_text;
  EXPECT_EQ(a.body_text.find("**"), std::string::npos);
}

TEST(MarkdownReaderTest, FindsLocalisedStepsHeadings) {
  ReadResult r = ParseMarkdownArticle(
      "---\nid: x\ntitle: T\ntype: troubleshooting\n---\n## Schritte\n\n1. Eins\n2. Zwei\n", kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].steps, (std::vector<std::string>{"Eins", "Zwei"}));
  r = ParseMarkdownArticle("---\nid: x\ntitle: T\n---\n## 手順\n\n1. 開く\n2. 閉じる\n", kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].steps, (std::vector<std::string>{"開く", "閉じる"}));
}

TEST(MarkdownReaderTest, AppliesDefaults) {
  ReadResult r = ParseMarkdownArticle("---\nid: x\ntitle: T\n---\nBody.\n", ArticleDefaults{.locale = "de-at"});
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].locale, "de-AT");
  EXPECT_EQ(r.articles[0].type, ArticleType::kFaq);
  EXPECT_EQ(r.articles[0].audience, ArticleAudience::kPublic);
  EXPECT_EQ(r.articles[0].body_text, "Body.");
}

TEST(MarkdownReaderTest, UnterminatedFrontMatter) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\nBody without a closing fence\n", kDefaults));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.message(), "unterminated front matter: no closing '---' line");
}

TEST(MarkdownReaderTest, MissingFrontMatter) {
  Error e = OnlyError(ParseMarkdownArticle("# Just a heading\n", kDefaults));
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.message(), "missing front matter: the file must start with a '---' line");
}

TEST(MarkdownReaderTest, MissingId) {
  Error e = OnlyError(ParseMarkdownArticle("---\ntitle: T\n---\nBody\n", kDefaults));
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.message(), "missing required field 'id'");
}

TEST(MarkdownReaderTest, MissingTitle) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\n---\nBody\n", kDefaults));
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.message(), "missing required field 'title'");
}

TEST(MarkdownReaderTest, EmptyTitleNamesItsLine) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: ''\n---\n", kDefaults));
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.message(), "field 'title' is empty");
}

TEST(MarkdownReaderTest, UnknownAudience) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\n\naudience: staff\n---\n", kDefaults));
  EXPECT_EQ(e.where().line, 5);
  EXPECT_EQ(e.message(), "unknown audience 'staff': expected 'public' or 'internal'");
}

TEST(MarkdownReaderTest, UnknownType) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntype: howto\ntitle: T\n---\n", kDefaults));
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.message(), "unknown type 'howto': expected 'faq' or 'troubleshooting'");
}

TEST(MarkdownReaderTest, MalformedDate) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\nupdated: 2026-02-30\n---\n", kDefaults));
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.message(), "malformed date '2026-02-30' in 'updated': expected YYYY-MM-DD");
  e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\nupdated: last week\n---\n", kDefaults));
  EXPECT_EQ(e.message(), "malformed date 'last week' in 'updated': expected YYYY-MM-DD");
}

TEST(MarkdownReaderTest, InvalidUtf8) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\n---\nLine 5\ncaf\xE9 au lait\n", kDefaults));
  EXPECT_EQ(e.where().line, 6);
  EXPECT_EQ(e.where().column, 4);
  EXPECT_EQ(e.message(), "invalid UTF-8 (byte 0xE9 at column 4)");
}

// YAML's \N and \_ escapes are read by yaml-cpp as the single bytes 0x85
// and 0xA0, which are not UTF-8: the field is refused where it is written.
TEST(MarkdownReaderTest, AnEscapeThatYieldsInvalidUtf8IsAnErrorOnItsLine) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: \"a\\N b\"\n---\nBody.\n", kDefaults));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.message(),
            "field 'title' is not valid UTF-8 (byte 0x85 at byte 2); YAML's \\N escape gives this byte: write \\u0085 "
            "instead");
  // The same character written as \u0085 is fine.
  ReadResult ok = ParseMarkdownArticle("---\nid: x\ntitle: \"a\\u0085 b\"\n---\nBody.\n", kDefaults);
  ASSERT_TRUE(ok.errors.empty()) << ok.errors[0].ToString();
  EXPECT_EQ(ok.articles[0].title, "a\xC2\x85 b");
}

TEST(MarkdownReaderTest, EveryStringFieldAndNameIsCheckedForUtf8) {
  ReadResult r = ParseMarkdownArticle(
      "---\nid: x\ntitle: T\ntags: [ok, \"no\\_break\"]\n\"ke\\Ny\": 1\nproduct: \"\\N\"\nquestions:\n  - \"\\_\"\n---\n",
      kDefaults);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_TRUE(r.articles.empty());
  EXPECT_EQ(r.errors[0].where().line, 4);
  EXPECT_EQ(r.errors[0].message(),
            "field 'tags' is not valid UTF-8 (byte 0xA0 at byte 3); YAML's \\_ escape gives this byte: write \\u00A0 "
            "instead");
  EXPECT_EQ(r.errors[1].where().line, 5);
  EXPECT_EQ(r.errors[1].message(),
            "a field name is not valid UTF-8 (byte 0x85 at byte 3); YAML's \\N escape gives this byte: write \\u0085 "
            "instead");
  EXPECT_EQ(r.errors[2].where().line, 6);
  EXPECT_EQ(r.errors[2].message().substr(0, 50), "field 'product' is not valid UTF-8 (byte 0x85 at b");
  EXPECT_EQ(r.errors[3].where().line, 8);
  EXPECT_EQ(r.errors[3].message().substr(0, 52), "field 'questions' is not valid UTF-8 (byte 0xA0 at b");
}

TEST(MarkdownReaderTest, AnInvalidRequiredFieldIsReportedOnce) {
  // Not also "missing required field 'id'".
  ReadResult r = ParseMarkdownArticle("---\nid: \"a\\Nb\"\ntitle: T\n---\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where().line, 2);
  EXPECT_EQ(r.errors[0].message().substr(0, 45), "field 'id' is not valid UTF-8 (byte 0x85 at b");
}

TEST(MarkdownReaderTest, MalformedYaml) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: [unclosed\n---\n", kDefaults));
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.message().rfind("malformed front matter: ", 0), 0u) << e.message();
}

// yaml-cpp's message quotes one byte of the byte-order mark.
TEST(MarkdownReaderTest, AYamlMessageThatQuotesPartOfACharacterIsValidUtf8) {
  Error e = OnlyError(ParseMarkdownArticle(std::string_view("---\n\0\xEF\xBB\xBF\n---", 12), kDefaults));
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.message(), "malformed front matter: unknown escape character: \uFFFD");
}

TEST(MarkdownReaderTest, ReportsEveryProblemOfAnArticle) {
  ReadResult r = ParseMarkdownArticle("---\nid: has space\ntitle: T\ntype: x\naudience: y\n---\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].where().line, 2);
  EXPECT_EQ(r.errors[0].message(), "id must not contain whitespace or control characters: 'has space'");
  EXPECT_EQ(r.errors[1].where().line, 4);
  EXPECT_EQ(r.errors[2].where().line, 5);
}

TEST(MarkdownReaderTest, BodyLineCountsTheFrontMatter) {
  ReadResult r = ParseMarkdownArticle(kGood, kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].body_line, 14);  // the line after the closing "---"
  EXPECT_TRUE(r.articles[0].body_markdown.starts_with("## Symptoms\n"));
  r = ParseJsonlArticles("{\"id\": \"a\", \"title\": \"T\", \"body\": \"x\\ny\"}\n", kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].body_line, 0);  // the body is one string on the article's line
}

// md4c 0.4 reads past the end of an unfinished link at the end of the text.
TEST(ExtractMarkdownTest, AnUnfinishedLinkAtTheEndIsReadWithinTheText) {
  const testing::GuardedCopy body("Open [the page](");
  const MarkdownContent content = ExtractMarkdown(body.view());
  EXPECT_EQ(content.text, "Open [the page](");
  EXPECT_TRUE(content.links.empty());
}

TEST(ExtractMarkdownTest, FindsLinkTargetsAndWhereTheyAre) {
  constexpr std::string_view kBody =
      "See [reset](kb:reset-password) and <https://example.com>.\n"
      "`[code](kb:not-a-link)` ![image](kb:not-a-link-either)\n"
      "A [reference][r] and an [escaped](kb:a\\_b).\n"
      "\n"
      "[r]: kb:by-reference\n";
  const std::vector<MarkdownLink> links = ExtractMarkdown(kBody).links;
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0].url, "kb:reset-password");
  EXPECT_EQ(links[0].offset, kBody.find("kb:reset-password"));
  EXPECT_EQ(links[1].url, "https://example.com");
  EXPECT_EQ(links[1].offset, kBody.find("https:"));
  EXPECT_EQ(links[2].url, "kb:by-reference");
  EXPECT_EQ(links[2].offset, kBody.find("kb:by-reference"));  // in the definition
  EXPECT_EQ(links[3].url, "kb:a_b");
  EXPECT_EQ(links[3].offset, std::string_view::npos);  // not written as it reads
}

TEST(MarkdownReaderTest, TagsMustBeStrings) {
  Error e = OnlyError(ParseMarkdownArticle("---\nid: x\ntitle: T\ntags:\n  - a: b\n---\n", kDefaults));
  EXPECT_EQ(e.message(), "field 'tags' must be a list of strings");
}

TEST(JsonlReaderTest, ReadsArticlesAndIgnoresUnknownKeys) {
  ReadResult r = ParseJsonlArticles(
      "{\"_id\": \"Q17_A03\", \"title\": \"Strike through\", \"text\": \"Use tildes.\", \"thread\": \"T9\"}\n"
      "\n"
      "{\"id\": \"faq-2\", \"title\": \"Title only\", \"body\": \"\", \"tags\": [\"a\"], \"audience\": "
      "\"internal\", \"locale\": \"de\"}\n",
      kDefaults);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].ToString();
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(r.articles[0].id, "Q17_A03");
  EXPECT_EQ(r.articles[0].body_text, "Use tildes.");
  EXPECT_EQ(r.articles[0].source.line, 1);
  EXPECT_EQ(r.articles[1].id, "faq-2");
  EXPECT_EQ(r.articles[1].body_text, "");
  EXPECT_EQ(r.articles[1].audience, ArticleAudience::kInternal);
  EXPECT_EQ(r.articles[1].locale, "de");
  EXPECT_EQ(r.articles[1].source.line, 3);
}

TEST(JsonlReaderTest, MalformedJsonNamesLineAndColumn) {
  ReadResult r = ParseJsonlArticles("{\"id\": \"a\", \"title\": \"A\"}\n{\"id\": \"b\", \"title\": }\n", kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where().line, 2);
  EXPECT_EQ(r.errors[0].where().column, 22);
  EXPECT_EQ(r.errors[0].message(),
            "malformed JSON at column 22: syntax error while parsing value - unexpected '}'; expected '[', '{', or "
            "a literal");
}

// nlohmann reads a number too large for a double as an error of another
// kind than a syntax error; it is reported the same way, with its line.
TEST(JsonlReaderTest, ANumberOutOfRangeNamesLineAndColumn) {
  ReadResult r = ParseJsonlArticles(
      "{\"id\": \"a\", \"title\": \"A\"}\n{\"id\": \"b\", \"title\": \"B\", \"body\": 1e999}\n", kDefaults);
  ASSERT_EQ(r.articles.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.errors[0].where().line, 2);
  EXPECT_EQ(r.errors[0].where().column, 35);
  EXPECT_EQ(r.errors[0].message(), "number out of range at column 35: 1e999 does not fit in a double");
}

TEST(JsonlReaderTest, NonObjectLine) {
  ReadResult r = ParseJsonlArticles("[1, 2]\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where().line, 1);
  EXPECT_EQ(r.errors[0].message(), "expected a JSON object, found array");
}

TEST(JsonlReaderTest, MissingIdAndTitle) {
  ReadResult r = ParseJsonlArticles("{\"text\": \"x\"}\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].where().line, 1);
  EXPECT_EQ(r.errors[0].message(), "missing required field 'id'");
  EXPECT_EQ(r.errors[1].message(), "missing required field 'title'");
}

TEST(JsonlReaderTest, TitleCanBeOptional) {
  ArticleDefaults lenient = kDefaults;
  lenient.title_required = false;
  ReadResult r = ParseJsonlArticles("{\"_id\": \"p1\", \"title\": \"\", \"text\": \"passage\"}\n", lenient);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.articles[0].title, "");
}

TEST(JsonlReaderTest, InvalidUtf8) {
  ReadResult r = ParseJsonlArticles("{\"id\": \"a\", \"title\": \"ok\"}\n{\"id\": \"b\", \"title\": \"\xC3\x28\"}\n",
                                    kDefaults);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where().line, 2);
  EXPECT_EQ(r.errors[0].message(), "invalid UTF-8 (byte 0xC3 at column 23)");
}

TEST(JsonlReaderTest, WrongFieldTypes) {
  ReadResult r = ParseJsonlArticles("{\"id\": \"a\", \"title\": [\"x\"], \"body\": 5}\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].message(), "field 'body' must be a string");
  EXPECT_EQ(r.errors[1].message(), "field 'title' must be a string");
}

TEST(JsonlReaderTest, IdWithWhitespace) {
  ReadResult r = ParseJsonlArticles("{\"id\": \"a b\", \"title\": \"x\"}\n", kDefaults);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message(), "id must not contain whitespace or control characters: 'a b'");
}

}  // namespace
}  // namespace kb
