#include "indexer/check/lint.h"

#include <sstream>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/corpus/synonyms.h"
#include "tests/test_files.h"

namespace kb::check {
namespace {

using kb::testing::Article;
using kb::testing::WriteFile;

constexpr std::chrono::sys_days kToday{std::chrono::year(2026) / 6 / 1};

struct CheckRun {
  int status;
  std::vector<std::string> lines;  // of the output
  std::string err;
};

CheckRun Check(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CheckRun r;
  r.status = RunCheckCommand(args, out, err);
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) r.lines.push_back(line);
  r.err = err.str();
  return r;
}

// A corpus with one of every mistake `check` finds, and articles that look
// like mistakes but are not (links that resolve through the language or the
// default locale, a link in code).
void WriteMistakes(const std::string& d) {
  const std::string fresh = "updated: 2026-05-01\n";
  WriteFile(d, "en/account/reset-password.md", Article("reset-password", "Reset your password", "Use the form.", fresh));
  WriteFile(d, "en/billing/password-again.md",
            Article("password-again", "Reset your Password!", "The same, again.", fresh));
  WriteFile(d, "en/account/two-factor.md", Article("two-factor", "Two-factor", "Turn it on.", fresh));
  WriteFile(d, "en/security/two-factor.md", Article("two-factor", "2FA", "Turn it on.", fresh));
  WriteFile(d, "en/account/no-title.md", "---\nid: no-title\nupdated: 2026-05-01\n---\nBody.\n");
  WriteFile(d, "en/account/bad-date.md", Article("bad-date", "Bad date", "Body.", "updated: 2026-02-30\n"));
  WriteFile(d, "en/account/links.md",
            Article("links", "Links",
                    "See [resetting](kb:reset-password) and [the old page](kb:reset-pasword).\n"  // line 6
                    "\n"
                    "Agents: [the runbook](kb:runbook-refunds).\n"  // line 8
                    "Code is not a link: `[x](kb:nowhere)`.\n"
                    "```\n"
                    "[y](kb:nowhere-either)\n"
                    "```\n"
                    "An [empty link](kb:) and a [reference][ref].\n"  // line 13
                    "\n"
                    "[ref]: kb:missing-by-reference",  // line 15
                    fresh));
  WriteFile(d, "en/runbooks/runbook-refunds.md",
            Article("runbook-refunds", "Refund runbook", "Check [the form](kb:reset-password).",
                    "audience: internal\n" + fresh));
  WriteFile(d, "en/account/empty.md", Article("empty", "Empty", "", fresh));
  WriteFile(d, "en/sync/sync-stuck.md",
            Article("sync-stuck", "Sync is stuck",
                    "## Symptoms\n\nNothing syncs.\n\n## Cause\n\nA lock.\n\n## Steps\n\n- Restart the app.\n- Sign in.",
                    "type: troubleshooting\n" + fresh));
  WriteFile(d, "en/account/old.md", Article("old", "Old", "Body.", "updated: 2024-05-31\n"));
  WriteFile(d, "en/account/undated.md", Article("undated", "Undated", "Body."));
  WriteFile(d, "de/account/nur-deutsch.md", Article("nur-deutsch", "Nur auf Deutsch", "Text.", fresh));
  WriteFile(d, "de/account/passwort.md",
            Article("passwort", "Passwort", "Siehe [reset](kb:reset-password), [de](kb:nur-deutsch).", fresh));
  WriteFile(d, "de-AT/account/konto.md",
            Article("konto", "Konto", "Siehe [Deutsch](kb:nur-deutsch) und [fehlt](kb:fehlt).", fresh));
  WriteFile(d, "bulk.jsonl",
            "{\"id\": \"j1\", \"title\": \"From JSONL\", \"body\": \"See [x](kb:nope).\", \"updated\": \"2026-05-01\"}\n"
            "{\"id\": \"j2\", \"title\": \"No body\", \"updated\": \"2026-05-01\"}\n");
  WriteFile(d, "synonyms/en.txt", "sign in, log in\nrefund\nbill,, invoice\n");
}

TEST(LintTest, ReportsEveryMistakeInPathAndLineOrder) {
  TempDir dir("lint");
  const std::string& d = dir.path();
  WriteMistakes(d);
  const CheckRun r = Check({"--corpus", d, "--today", "2026-06-01"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> expected = {
      d + "/bulk.jsonl:1: error: link to missing article 'nope': no such id in en",
      d + "/bulk.jsonl:2: warning: empty body: the article has a title but nothing to read",
      d + "/de-AT/account/konto.md:6: error: link to missing article 'fehlt': no such id in de-AT, de, en",
      d + "/en/account/bad-date.md:4: error: malformed date '2026-02-30' in 'updated': expected YYYY-MM-DD",
      d + "/en/account/empty.md:1: warning: empty body: the article has a title but nothing to read",
      d + "/en/account/links.md:6: error: link to missing article 'reset-pasword': no such id in en",
      d + "/en/account/links.md:8: error: public article links to internal article 'runbook-refunds' at " + d +
          "/en/runbooks/runbook-refunds.md:1: customers cannot open it",
      d + "/en/account/links.md:13: error: link 'kb:' names no article: expected kb:ARTICLE-ID",
      d + "/en/account/links.md:15: error: link to missing article 'missing-by-reference': no such id in en",
      d + "/en/account/no-title.md:1: error: missing required field 'title'",
      d + "/en/account/old.md:1: warning: stale: last updated 2024-05-31, 731 days ago (more than 365)",
      d + "/en/account/undated.md:1: warning: no 'updated' date: add the date of the last review",
      d + "/en/billing/password-again.md:1: warning: title 'Reset your Password!' is also the title of "
          "'reset-password' at " + d + "/en/account/reset-password.md:1: customers cannot tell them apart",
      d + "/en/security/two-factor.md:1: error: duplicate id 'two-factor' in locale 'en': also defined at " + d +
          "/en/account/two-factor.md:1",
      d + "/en/sync/sync-stuck.md:1: warning: troubleshooting article without steps: expected a numbered list "
          "under a 'Steps' heading",
      d + "/synonyms/en.txt:2: error: synonym group 'refund' has one entry: list at least two, separated by commas",
      d + "/synonyms/en.txt:3: error: empty entry in synonym group: remove the extra comma",
      "checked 15 articles in 3 locales: 11 errors, 6 warnings",
  };
  EXPECT_EQ(r.lines, expected);
}

// Everything `kb-index build` rejects is an error in check, at the same
// path:line with the same message.
TEST(LintTest, AgreesWithBuild) {
  TempDir dir("lint");
  WriteMistakes(dir.path());
  auto corpus = ReadCorpus(dir.path());
  ASSERT_TRUE(corpus.has_value());
  auto synonyms = ReadSynonyms(dir.path());
  ASSERT_FALSE(synonyms.has_value());
  std::vector<Error> build_errors = corpus->errors;
  build_errors.push_back(synonyms.error());
  ASSERT_EQ(build_errors.size(), 4u);

  auto report = LintCorpus(dir.path(), LintOptions{.today = kToday});
  ASSERT_TRUE(report.has_value());
  std::vector<std::string> check_errors;
  for (const Finding& f : report->findings) {
    if (f.severity == Severity::kError) check_errors.push_back(f.ToString());
  }
  for (const Error& e : build_errors) {
    EXPECT_NE(std::find(check_errors.begin(), check_errors.end(), e.ToString()), check_errors.end()) << e.ToString();
  }
}

TEST(LintTest, WarningsAloneExitZero) {
  TempDir dir("lint");
  WriteFile(dir.path(), "en/a/old.md", Article("old", "Old", "Body.", "updated: 2025-01-01\n"));
  const CheckRun r = Check({"--corpus=" + dir.path(), "--today=2026-06-01", "--stale-days", "30"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         dir.path() + "/en/a/old.md:1: warning: stale: last updated 2025-01-01, 516 days ago (more than 30)",
                         "checked 1 article in 1 locale: 0 errors, 1 warning"}));
}

TEST(LintTest, StaleMeansMoreThanStaleDaysAndZeroTurnsItOff) {
  TempDir dir("lint");
  WriteFile(dir.path(), "en/a/edge.md", Article("edge", "Edge", "Body.", "updated: 2026-05-02\n"));  // 30 days
  WriteFile(dir.path(), "en/a/over.md", Article("over", "Over", "Body.", "updated: 2026-05-01\n"));  // 31 days
  WriteFile(dir.path(), "en/a/undated.md", Article("undated", "Undated", "Body."));
  auto report = LintCorpus(dir.path(), LintOptions{.stale_days = 30, .today = kToday});
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->findings.size(), 2u);
  EXPECT_EQ(report->findings[0].ToString(),
            dir.path() + "/en/a/over.md:1: warning: stale: last updated 2026-05-01, 31 days ago (more than 30)");
  EXPECT_EQ(report->findings[1].ToString(),
            dir.path() + "/en/a/undated.md:1: warning: no 'updated' date: add the date of the last review");

  report = LintCorpus(dir.path(), LintOptions{.stale_days = 0, .today = kToday});
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->findings.empty());
}

TEST(LintTest, DefaultLocaleIsTheLastFallbackForLinks) {
  TempDir dir("lint");
  WriteFile(dir.path(), "de/a/nur-deutsch.md", Article("nur-deutsch", "Nur Deutsch", "Text."));
  WriteFile(dir.path(), "en/a/english.md", Article("english", "English", "See [it](kb:nur-deutsch)."));
  LintOptions options{.stale_days = 0};
  auto report = LintCorpus(dir.path(), options);
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].ToString(),
            dir.path() + "/en/a/english.md:5: error: link to missing article 'nur-deutsch': no such id in en");
  options.default_locale = "de";
  report = LintCorpus(dir.path(), options);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->findings.empty());
}

TEST(LintTest, BundledCorpusHasNoErrors) {
  const std::string corpus = std::string(KB_SOURCE_DIR) + "/corpus";
  auto report = LintCorpus(corpus, LintOptions{.today = kToday});
  ASSERT_TRUE(report.has_value());
  for (const Finding& f : report->findings) {
    if (f.severity == Severity::kError) ADD_FAILURE() << f.ToString();
  }
  EXPECT_GE(report->articles, 150);
  EXPECT_EQ(report->locales, 3);
  // Without staleness, which depends on the dates, there is nothing to warn about.
  report = LintCorpus(corpus, LintOptions{.stale_days = 0});
  ASSERT_TRUE(report.has_value());
  for (const Finding& f : report->findings) ADD_FAILURE() << f.ToString();
}

TEST(LintTest, UsageErrorsExitTwo) {
  const std::string usage = std::string("\nusage:\n") + std::string(kCheckUsage);
  struct Case {
    std::vector<std::string> args;
    std::string first_line;
  };
  const std::vector<Case> cases = {
      {{}, "kb-index check: needs --corpus PATH"},
      {{"--index", "x"}, "kb-index check: unknown flag --index"},
      {{"--corpus"}, "kb-index check: flag --corpus needs a value"},
      {{"--corpus", "c", "extra"}, "kb-index check: unexpected argument 'extra'"},
      {{"--corpus", "c", "--stale-days", "-1"},
       "kb-index check: --stale-days must be a number of days (0 turns staleness off), got '-1'"},
      {{"--corpus", "c", "--stale-days=a year"},
       "kb-index check: --stale-days must be a number of days (0 turns staleness off), got 'a year'"},
      {{"--corpus", "c", "--today", "2026-13-01"}, "kb-index check: --today must be a date YYYY-MM-DD, got '2026-13-01'"},
  };
  for (const Case& c : cases) {
    const CheckRun r = Check(c.args);
    EXPECT_EQ(r.status, 2) << c.first_line;
    EXPECT_EQ(r.err, c.first_line + usage);
    EXPECT_TRUE(r.lines.empty());
  }
  const CheckRun help = Check({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.err, "");
}

TEST(LintTest, UnreadableCorpusExitsOne) {
  const CheckRun r = Check({"--corpus", "/nonexistent/kb-corpus"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.lines.empty());
  EXPECT_EQ(r.err, "kb-index: not_found: corpus not found: /nonexistent/kb-corpus\n");
}

}  // namespace
}  // namespace kb::check
