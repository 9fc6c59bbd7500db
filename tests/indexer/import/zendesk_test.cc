#include "indexer/import/zendesk.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/corpus/readers.h"
#include "tests/test_files.h"

namespace kb {
namespace {

namespace fs = std::filesystem;
using testing::WriteFile;

// A Help Center export as Zendesk's API writes it: two locales (an article
// and its translation share the id), a draft, an agents-only article with a
// user segment, labels, and HTML with lists, a table and code.
constexpr std::string_view kExport = R"json({
  "articles": [
    {
      "id": 360001111111,
      "html_url": "https://help.driftbox.example/hc/en-us/articles/360001111111-Login-fails-with-error-401",
      "title": "Login fails with error 401",
      "body": "<h2>Symptoms</h2>\n<p>The sign-in page says <strong>Error 401</strong>.</p>\n<h2>Cause</h2>\n<p>Your session expired.</p>\n<h2>Steps</h2>\n<ol>\n<li>Sign out of every tab.</li>\n<li>Clear cookies for <code>driftbox.example</code>.</li>\n<li>Sign in again, or <a href=\"https://help.driftbox.example/hc/en-us/articles/360002222222-Refund-limits\">ask an agent</a>.</li>\n</ol>\n<script>track()</script>",
      "locale": "en-us",
      "section_id": 360000100001,
      "label_names": ["login", "401", "login"],
      "draft": false,
      "updated_at": "2026-08-14T10:00:00Z",
      "user_segment_id": null
    },
    {
      "id": 360001111111,
      "html_url": "https://help.driftbox.example/hc/de/articles/360001111111-Anmeldung-schl%C3%A4gt-fehl",
      "title": "Anmeldung schlägt mit Fehler 401 fehl",
      "body": "<h2>Schritte</h2><ol><li>Melden Sie sich ab.</li><li>Melden Sie sich <em>erneut</em> an.</li></ol>",
      "locale": "de",
      "section_id": 360000100001,
      "label_names": [],
      "draft": false,
      "updated_at": "2026-08-15T09:30:00Z",
      "user_segment_id": null
    },
    {
      "id": 360002222222,
      "html_url": "https://help.driftbox.example/hc/en-us/articles/360002222222-Refund-limits",
      "title": "Refund limits for agents",
      "body": "<p>Agents approve refunds up to these limits:</p><table><tr><th>Plan</th><th>Limit</th></tr><tr><td>Basic</td><td>50 USD</td></tr><tr><td>Team</td><td>200 USD</td></tr></table><p>Look a customer up with:</p><pre>kb refunds --customer ID</pre><ul><li>Ask a lead above the limit.<ul><li>Leads: up to 1000 USD</li></ul></li></ul>",
      "locale": "en-us",
      "section_id": 360000200002,
      "label_names": ["refund", "runbook"],
      "draft": false,
      "updated_at": "2026-07-01T08:00:00Z",
      "user_segment_id": 360000000042
    },
    {
      "id": 360003333333,
      "title": "Unfinished draft",
      "body": "<p>TODO</p>",
      "locale": "en-us",
      "section_id": 360000100001,
      "label_names": [],
      "draft": true,
      "updated_at": "2026-08-01T00:00:00Z",
      "user_segment_id": null
    }
  ],
  "next_page": null,
  "count": 4
})json";

constexpr std::string_view kLoginEn =
    "---\n"
    "id: zd-360001111111\n"
    "title: \"Login fails with error 401\"\n"
    "type: troubleshooting\n"
    "locale: en-US\n"
    "category: zendesk-360000100001\n"
    "tags: [\"login\", \"401\"]\n"
    "audience: public\n"
    "updated: 2026-08-14\n"
    "source_url: \"https://help.driftbox.example/hc/en-us/articles/360001111111-Login-fails-with-error-401\"\n"
    "---\n"
    "## Symptoms\n"
    "\n"
    "The sign-in page says **Error 401**.\n"
    "\n"
    "## Cause\n"
    "\n"
    "Your session expired.\n"
    "\n"
    "## Steps\n"
    "\n"
    "1. Sign out of every tab.\n"
    "2. Clear cookies for `driftbox.example`.\n"
    // A public article's link to an internal one keeps its URL.
    "3. Sign in again, or [ask an agent]"
    "(https://help.driftbox.example/hc/en-us/articles/360002222222-Refund-limits).\n";

constexpr std::string_view kLoginDe =
    "---\n"
    "id: zd-360001111111\n"
    "title: \"Anmeldung schlägt mit Fehler 401 fehl\"\n"
    "type: troubleshooting\n"
    "locale: de\n"
    "category: zendesk-360000100001\n"
    "audience: public\n"
    "updated: 2026-08-15\n"
    "source_url: \"https://help.driftbox.example/hc/de/articles/360001111111-Anmeldung-schl%C3%A4gt-fehl\"\n"
    "---\n"
    "## Schritte\n"
    "\n"
    "1. Melden Sie sich ab.\n"
    "2. Melden Sie sich *erneut* an.\n";

constexpr std::string_view kRefundEn =
    "---\n"
    "id: zd-360002222222\n"
    "title: \"Refund limits for agents\"\n"
    "type: faq\n"
    "locale: en-US\n"
    "category: zendesk-360000200002\n"
    "tags: [\"refund\", \"runbook\"]\n"
    "audience: internal\n"
    "updated: 2026-07-01\n"
    "source_url: \"https://help.driftbox.example/hc/en-us/articles/360002222222-Refund-limits\"\n"
    "---\n"
    "Agents approve refunds up to these limits:\n"
    "\n"
    "| Plan | Limit |\n"
    "| --- | --- |\n"
    "| Basic | 50 USD |\n"
    "| Team | 200 USD |\n"
    "\n"
    "Look a customer up with:\n"
    "\n"
    "```\n"
    "kb refunds --customer ID\n"
    "```\n"
    "\n"
    "- Ask a lead above the limit.\n"
    "  - Leads: up to 1000 USD\n";

std::string ReadText(const std::string& path) { return ReadFile(path).value_or(""); }

std::vector<std::string> Messages(const std::vector<Error>& errors) {
  std::vector<std::string> out;
  for (const Error& e : errors) out.push_back(e.ToString());
  return out;
}

// The errors of converting `json`, as "line: message".
std::vector<std::string> Problems(std::string_view json) {
  ZendeskConversion c = ConvertZendeskExport(json);
  EXPECT_TRUE(c.files.empty());
  std::vector<std::string> out;
  for (const Error& e : c.errors) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    out.push_back(std::to_string(e.where().line) + ": " + e.message());
  }
  return out;
}

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Import(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunImportCommand(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(ZendeskConvertTest, ConvertsEveryPublishedArticle) {
  ZendeskConversion c = ConvertZendeskExport(kExport);
  ASSERT_TRUE(c.errors.empty()) << Messages(c.errors)[0];
  EXPECT_EQ(c.drafts, 1);
  ASSERT_EQ(c.files.size(), 3u);
  EXPECT_EQ(c.files[0].RelativePath(), "en-US/zendesk-360000100001/zd-360001111111.md");
  EXPECT_EQ(c.files[0].content, kLoginEn);
  EXPECT_EQ(c.files[1].RelativePath(), "de/zendesk-360000100001/zd-360001111111.md");
  EXPECT_EQ(c.files[1].content, kLoginDe);
  EXPECT_EQ(c.files[2].RelativePath(), "en-US/zendesk-360000200002/zd-360002222222.md");
  EXPECT_EQ(c.files[2].content, kRefundEn);
}

TEST(ZendeskConvertTest, OptionalFieldsMayBeMissingOrNull) {
  ZendeskConversion c = ConvertZendeskExport(
      R"({"articles": [{"id": "42", "title": "  Plain\n title ", "body": "", "locale": "ja",)"
      R"( "section_id": null, "label_names": null, "draft": null, "updated_at": null, "html_url": null}]})");
  ASSERT_TRUE(c.errors.empty()) << Messages(c.errors)[0];
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].RelativePath(), "ja/zendesk/zd-42.md");
  EXPECT_EQ(c.files[0].content,
            "---\nid: zd-42\ntitle: \"Plain title\"\ntype: faq\nlocale: ja\ncategory: zendesk\naudience: public\n"
            "---\n");
}

TEST(ZendeskConvertTest, QuotesTitlesAndLabelsForYaml) {
  ZendeskConversion c = ConvertZendeskExport(
      R"({"articles": [{"id": 7, "title": "Say \"hi\" \\ or: #not-a-comment", "body": "<p>x</p>",)"
      R"( "locale": "en", "label_names": ["a \"b\"", "yes", "[x]"]}]})");
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_NE(c.files[0].content.find("title: \"Say \\\"hi\\\" \\\\ or: #not-a-comment\"\n"), std::string::npos)
      << c.files[0].content;
  EXPECT_NE(c.files[0].content.find("tags: [\"a \\\"b\\\"\", \"yes\", \"[x]\"]\n"), std::string::npos);
  ReadResult back = ParseMarkdownArticle(c.files[0].content, {});
  ASSERT_TRUE(back.errors.empty()) << back.errors[0].ToString();
  EXPECT_EQ(back.articles[0].title, "Say \"hi\" \\ or: #not-a-comment");
  EXPECT_EQ(back.articles[0].tags, (std::vector<std::string>{"a \"b\"", "yes", "[x]"}));
}

TEST(ZendeskConvertTest, LinksToImportedArticlesBecomeKbLinks) {
  ZendeskConversion c = ConvertZendeskExport(R"({"articles": [
    {"id": 1, "title": "One", "locale": "en-us", "html_url": "https://help.example/hc/en-us/articles/1-One",
     "body": "<a href='/hc/en-us/articles/2-Two#h_1'>a</a> <a href='HTTPS://help.example/hc/articles/2'>b</a> <a href='https://other.example/hc/en-us/articles/2'>c</a> <a href='/hc/en-us/articles/4'>d</a> <a href='/hc/en-us/articles/2/comments'>e</a>"},
    {"id": 2, "title": "Two", "locale": "en-us", "body": "<a href='/hc/de/articles/1'>only in English</a> <a href='/hc/en-us/articles/3'>internal</a>"},
    {"id": 3, "title": "Three", "locale": "en-us", "user_segment_id": 5, "body": "<a href='/hc/en-us/articles/1'>public</a>"}
  ]})");
  ASSERT_TRUE(c.errors.empty()) << Messages(c.errors)[0];
  ASSERT_EQ(c.files.size(), 3u);
  // Another site, an article not in the export, and a page that is not an
  // article keep their URLs.
  EXPECT_TRUE(c.files[0].content.ends_with(
      "---\n[a](kb:zd-2) [b](kb:zd-2) [c](https://other.example/hc/en-us/articles/2) [d](/hc/en-us/articles/4) "
      "[e](/hc/en-us/articles/2/comments)\n"))
      << c.files[0].content;
  // The locale of the link does not matter, the linking article's does; a
  // public article's link to an internal one keeps its URL.
  EXPECT_TRUE(c.files[1].content.ends_with("---\n[only in English](kb:zd-1) [internal](/hc/en-us/articles/3)\n"))
      << c.files[1].content;
  EXPECT_TRUE(c.files[2].content.ends_with("---\n[public](kb:zd-1)\n")) << c.files[2].content;
}

TEST(ZendeskConvertTest, MalformedJsonNamesLineAndColumn) {
  EXPECT_EQ(Problems("{\n  \"articles\": [\n    {\"id\": 1,}\n  ]\n}"),
            (std::vector<std::string>{"3: malformed JSON at column 14: syntax error while parsing object key - "
                                      "unexpected '}'; expected string literal"}));
  EXPECT_EQ(Problems(""), (std::vector<std::string>{"1: malformed JSON at column 1: syntax error while parsing "
                                                    "value - unexpected end of input; expected '[', '{', or a "
                                                    "literal"}));
}

TEST(ZendeskConvertTest, ANumberOutOfRangeNamesLineAndColumn) {
  EXPECT_EQ(Problems("{\"articles\": [\n  {\"id\": 1e999, \"title\": \"T\", \"body\": \"<p>b</p>\", \"locale\": \"en\"}\n]}"),
            (std::vector<std::string>{"2: number out of range at column 10: 1e999 does not fit in a double"}));
}

TEST(ZendeskConvertTest, TheExportMustHoldAnArticlesList) {
  EXPECT_EQ(Problems("[1, 2]"),
            (std::vector<std::string>{"1: expected a Zendesk export object {\"articles\": [...]}, found a list"}));
  EXPECT_EQ(Problems("{\"sections\": []}"),
            (std::vector<std::string>{"1: missing 'articles': expected a Zendesk export object {\"articles\": "
                                      "[...]}"}));
  EXPECT_EQ(Problems("{\"count\": 1,\n\"articles\": {\"id\": 1}}"),
            (std::vector<std::string>{"2: 'articles' must be a list of articles, found an object"}));
}

TEST(ZendeskConvertTest, ArticleProblemsNameIndexIdAndLine) {
  const std::string_view json = R"({"articles": [
  {"id": 1, "title": "Fine", "body": "<p>ok</p>", "locale": "en"},
  "not an article",
  {"title": "No id", "body": "", "locale": "en"},
  {"id": 4, "body": "", "locale": "en"},
  {"id": 5, "title": "No body", "locale": "en",
   "body": null},
  {"id": 6, "title": "   ", "body": "", "locale": "english language"},
  {"id": -7, "title": "T", "body": 3, "locale": 7, "section_id": "s1", "label_names": ["a", 1],
   "draft": "no", "updated_at": "yesterday", "html_url": 5},
  {"id": 1, "title": "Again", "body": "", "locale": "EN"},
  {"id": 9, "title": "Draft without body", "draft": true}
]})";
  EXPECT_EQ(Problems(json),
            (std::vector<std::string>{
                "3: articles[1]: expected an article object, found \"not an article\"",
                "4: articles[2]: missing required field 'id'",
                "5: articles[3] (id 4): missing required field 'title'",
                "7: articles[4] (id 5): missing required field 'body'",
                "8: articles[5] (id 6): field 'title' is empty",
                "8: articles[5] (id 6): malformed locale 'english language': expected a BCP 47 tag such as 'en' "
                "or 'de-AT'",
                "10: articles[6]: field 'draft' must be true or false, found \"no\"",
                "9: articles[6]: field 'id' must be a Zendesk article number, found -7",
                "9: articles[6]: field 'body' must be a string, found 3",
                "9: articles[6]: field 'locale' must be a string, found 7",
                "9: articles[6]: field 'section_id' must be a number, found \"s1\"",
                "9: articles[6]: field 'label_names' must be a list of strings",
                "10: articles[6]: malformed date 'yesterday' in 'updated_at': expected a timestamp such as "
                "2026-08-14T10:00:00Z",
                "10: articles[6]: field 'html_url' must be a string, found 5",
                "11: articles[7] (id 1): duplicate: articles[0] is the same article in locale 'en'",
            }));
  EXPECT_EQ(ConvertZendeskExport(json).drafts, 1);
}

class ZendeskImportTest : public ::testing::Test {
 protected:
  std::string WriteExport(std::string_view json) { return WriteFile(tmp_.path(), "export.json", json); }

  TempDir tmp_{"zendesk"};
  std::string out_ = tmp_.path() + "/corpus";
};

TEST_F(ZendeskImportTest, WrittenFilesReadBackWithTheCorpusReader) {
  auto summary = ImportZendesk(WriteExport(kExport), out_);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  ASSERT_TRUE(summary->errors.empty());
  EXPECT_EQ(ReadText(out_ + "/en-US/zendesk-360000100001/zd-360001111111.md"), kLoginEn);

  auto corpus = ReadCorpus(out_);
  ASSERT_TRUE(corpus.has_value());
  ASSERT_TRUE(corpus->errors.empty()) << corpus->errors[0].ToString();
  ASSERT_EQ(corpus->articles.size(), 3u);
  const Article& de = corpus->articles[0];  // sorted by path
  EXPECT_EQ(de.id, "zd-360001111111");
  EXPECT_EQ(de.locale, "de");
  EXPECT_EQ(de.steps, (std::vector<std::string>{"Melden Sie sich ab.", "Melden Sie sich erneut an."}));
  const Article& login = corpus->articles[1];
  EXPECT_EQ(login.id, "zd-360001111111");
  EXPECT_EQ(login.title, "Login fails with error 401");
  EXPECT_EQ(login.type, ArticleType::kTroubleshooting);
  EXPECT_EQ(login.locale, "en-US");
  EXPECT_EQ(login.category, "zendesk-360000100001");
  EXPECT_EQ(login.tags, (std::vector<std::string>{"login", "401"}));
  EXPECT_EQ(login.audience, ArticleAudience::kPublic);
  EXPECT_EQ(login.updated, "2026-08-14");
  EXPECT_EQ(login.steps, (std::vector<std::string>{"Sign out of every tab.", "Clear cookies for driftbox.example.",
                                                   "Sign in again, or ask an agent."}));
  const Article& refund = corpus->articles[2];
  EXPECT_EQ(refund.id, "zd-360002222222");
  EXPECT_EQ(refund.type, ArticleType::kFaq);
  EXPECT_EQ(refund.audience, ArticleAudience::kInternal);
  EXPECT_TRUE(refund.steps.empty());
  EXPECT_NE(refund.body_text.find("Basic"), std::string::npos);
}

TEST_F(ZendeskImportTest, ReimportUpdatesInPlace) {
  const std::string path = WriteExport(kExport);
  auto first = ImportZendesk(path, out_);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->written, 3);
  EXPECT_EQ(first->unchanged, 0);
  EXPECT_EQ(first->skipped, 1);

  // Unchanged articles are not rewritten: their files keep their times.
  const std::string login = out_ + "/en-US/zendesk-360000100001/zd-360001111111.md";
  const std::string refund = out_ + "/en-US/zendesk-360000200002/zd-360002222222.md";
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (const std::string& p : {login, refund}) fs::last_write_time(p, old_time);
  auto again = ImportZendesk(path, out_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->written, 0);
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(fs::last_write_time(login), old_time);

  // One article changed: only it is rewritten.
  std::string changed(kExport);
  changed.replace(changed.find("Refund limits for agents"), 24, "Refund limits (2026)");
  auto third = ImportZendesk(WriteExport(changed), out_);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->written, 1);
  EXPECT_EQ(third->unchanged, 2);
  EXPECT_EQ(fs::last_write_time(login), old_time);
  EXPECT_NE(ReadText(refund).find("title: \"Refund limits (2026)\"\n"), std::string::npos);
  EXPECT_TRUE(third->stale.empty());
  EXPECT_EQ(third->moved, 0);
}

TEST_F(ZendeskImportTest, AnArticleThatChangedSectionMoves) {
  ASSERT_TRUE(ImportZendesk(WriteExport(kExport), out_).has_value());
  std::string moved(kExport);
  moved.replace(moved.find("360000200002"), 12, "360000300003");
  auto summary = ImportZendesk(WriteExport(moved), out_);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->written, 1);
  EXPECT_EQ(summary->unchanged, 2);
  EXPECT_EQ(summary->moved, 1);
  EXPECT_FALSE(fs::exists(out_ + "/en-US/zendesk-360000200002/zd-360002222222.md"));
  EXPECT_TRUE(fs::exists(out_ + "/en-US/zendesk-360000300003/zd-360002222222.md"));
  auto corpus = ReadCorpus(out_);
  ASSERT_TRUE(corpus.has_value());
  EXPECT_TRUE(corpus->errors.empty());  // no duplicate id
}

TEST_F(ZendeskImportTest, ArticlesMissingFromTheExportAreReportedAndKept) {
  ASSERT_TRUE(ImportZendesk(WriteExport(kExport), out_).has_value());
  WriteFile(out_, "en/account/reset-password.md", testing::Article("reset-password", "Reset", "Hand-written."));
  auto summary = ImportZendesk(
      WriteExport(R"({"articles": [{"id": 360002222222, "title": "Refund limits for agents", "body": "",)"
                  R"( "locale": "en-us", "section_id": 360000200002}]})"),
      out_);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->written, 1);
  EXPECT_EQ(summary->stale, (std::vector<std::string>{out_ + "/de/zendesk-360000100001/zd-360001111111.md",
                                                      out_ + "/en-US/zendesk-360000100001/zd-360001111111.md"}));
  EXPECT_TRUE(fs::exists(out_ + "/de/zendesk-360000100001/zd-360001111111.md"));
}

TEST_F(ZendeskImportTest, ABadExportWritesNothing) {
  std::string bad(kExport);
  bad.replace(bad.find("\"locale\": \"de\""), 14, "\"locale\": \"d e\"");
  const std::string path = WriteExport(bad);
  auto summary = ImportZendesk(path, out_);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(Messages(summary->errors),
            (std::vector<std::string>{path + ":20: error: articles[1] (id 360001111111): malformed locale 'd e': "
                                             "expected a BCP 47 tag such as 'en' or 'de-AT'"}));
  EXPECT_EQ(summary->written, 0);
  EXPECT_FALSE(fs::exists(out_));
}

TEST_F(ZendeskImportTest, AnUnreadableExportFails) {
  auto summary = ImportZendesk(tmp_.path() + "/missing.json", out_);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(summary.error().message(), "cannot read " + tmp_.path() + "/missing.json: No such file or directory");
}

TEST_F(ZendeskImportTest, CommandReportsCounts) {
  const std::string path = WriteExport(kExport);
  Outcome first = Import({"zendesk", "--out", out_, path});
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "imported " + path + " into " + out_ + ": 3 written, 0 unchanged, 1 skipped (drafts)\n");
  EXPECT_EQ(first.err, "");
  Outcome again = Import({"zendesk", "--out=" + out_, path});
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(again.out, "imported " + path + " into " + out_ + ": 0 written, 3 unchanged, 1 skipped (drafts)\n");

  Outcome partial = Import({"zendesk", "--out", out_,
                            WriteExport(R"({"articles": [{"id": 360002222222, "title": "Refund limits", "body": "",)"
                                        R"( "locale": "en-us", "section_id": 360000900009}]})")});
  EXPECT_EQ(partial.code, 0);
  EXPECT_EQ(partial.out,
            "imported " + path + " into " + out_ + ": 1 written, 0 unchanged, 0 skipped (drafts), 1 moved to a new "
            "section\n");
  EXPECT_EQ(partial.err, out_ + "/de/zendesk-360000100001/zd-360001111111.md: note: not in this export; left in "
                                "place\n" +
                             out_ + "/en-US/zendesk-360000100001/zd-360001111111.md: note: not in this export; left "
                                    "in place\n");
}

TEST_F(ZendeskImportTest, CommandReportsEveryProblem) {
  const std::string path =
      WriteExport("{\"articles\": [\n{\"id\": 1},\n{\"id\": 2, \"title\": \"T\", \"body\": \"\"}\n]}");
  Outcome r = Import({"zendesk", "--out", out_, path});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, path + ":2: error: articles[0] (id 1): missing required field 'title'\n" +
                       path + ":2: error: articles[0] (id 1): missing required field 'body'\n" +
                       path + ":2: error: articles[0] (id 1): missing required field 'locale'\n" +
                       path + ":3: error: articles[1] (id 2): missing required field 'locale'\n" +
                       "kb-index import: 4 errors in " + path + "; nothing was written to " + out_ + "\n");
  EXPECT_FALSE(fs::exists(out_));

  Outcome missing = Import({"zendesk", "--out", out_, tmp_.path() + "/nope.json"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "kb-index import: not_found: cannot read " + tmp_.path() +
                             "/nope.json: No such file or directory\n");
}

TEST(ZendeskCommandTest, Usage) {
  Outcome none = Import({});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(none.err.starts_with("kb-index import: needs a source\nusage:\n  kb-index import zendesk --out DIR "
                                   "EXPORT.json\n"))
      << none.err;
  Outcome help = Import({"zendesk", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(help.out.starts_with("usage:\n")) << help.out;
  Outcome other = Import({"freshdesk", "--out", "x", "e.json"});
  EXPECT_EQ(other.code, 2);
  EXPECT_TRUE(other.err.starts_with("kb-index import: unknown source 'freshdesk': expected 'zendesk'\n"));
  Outcome flag = Import({"zendesk", "--into=x", "e.json"});
  EXPECT_EQ(flag.code, 2);
  EXPECT_TRUE(flag.err.starts_with("kb-index import: unknown flag --into\n")) << flag.err;
  Outcome no_value = Import({"zendesk", "e.json", "--out"});
  EXPECT_EQ(no_value.code, 2);
  EXPECT_TRUE(no_value.err.starts_with("kb-index import: flag --out needs a value\nusage:\n  kb-index import zendesk")) << no_value.err;
  for (const auto& args : std::vector<std::vector<std::string>>{{"zendesk", "e.json"},
                                                                 {"zendesk", "--out", "x"},
                                                                 {"zendesk", "--out", "x", "a.json", "b.json"}}) {
    Outcome r = Import(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.err.starts_with("kb-index import zendesk: needs --out DIR and one EXPORT.json\n")) << r.err;
  }
}

TEST(ZendeskSampleTest, TheSampleExportImportsCleanly) {
  TempDir tmp("zendesk-sample");
  auto summary = ImportZendesk(std::string(KB_SOURCE_DIR) + "/tests/data/zendesk/export.json", tmp.path());
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  ASSERT_TRUE(summary->errors.empty()) << summary->errors[0].ToString();
  EXPECT_GT(summary->written, 0);
  auto corpus = ReadCorpus(tmp.path());
  ASSERT_TRUE(corpus.has_value());
  EXPECT_TRUE(corpus->errors.empty()) << corpus->errors[0].ToString();
  EXPECT_EQ(static_cast<int>(corpus->articles.size()), summary->written);
}

}  // namespace
}  // namespace kb
