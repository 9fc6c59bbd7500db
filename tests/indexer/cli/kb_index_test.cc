#include "indexer/cli/kb_index.h"

#include <filesystem>
#include <set>
#include <sstream>

#include <xapian.h>
#include <gtest/gtest.h>

#include <fmt/core.h>

#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "server/analytics/event_store.h"
#include "tests/test_files.h"
#include "tests/tmpfs.h"

namespace kb {
namespace {

using testing::Article;
using testing::WriteFile;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome KbIndex(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunKbIndex(args, out, err);
  return {code, out.str(), err.str()};
}

class KbIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    corpus_ = tmp_.path() + "/corpus";
    index_ = tmp_.path() + "/index";
    WriteFile(corpus_, "en/account/reset-password.md",
              Article("reset-password", "How do I reset my password?", "Use the reset link on the sign-in page.",
                      "questions:\n  - forgot password\n"));
    WriteFile(corpus_, "en/billing/refund.md", Article("refund", "Can I get a refund?", "Refunds within 30 days."));
    WriteFile(corpus_, "en/runbooks/refund-approval.md",
              Article("refund-approval", "Refund approval limits", "Agents approve refunds up to 200 USD.",
                      "audience: internal\n"));
  }

  TempDir tmp_{"kb-index"};
  std::string corpus_;
  std::string index_;
};

TEST_F(KbIndexTest, BuildsAndSearches) {
  Outcome build = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  ASSERT_EQ(build.code, 0) << build.err;
  EXPECT_EQ(build.out.rfind("built gen-000001: 3 articles (en=3; 1 internal) from 3 files: 3 added, 0 updated, "
                            "0 deleted, 0 unchanged in ",
                            0),
            0u)
      << build.out;

  Outcome search = KbIndex({"search", "--index", index_, "forgot", "my", "password"});
  ASSERT_EQ(search.code, 0) << search.err;
  EXPECT_EQ(search.out.rfind("1\treset-password\t", 0), 0u) << search.out;
  EXPECT_NE(search.out.find("\tHow do I reset my password?\n"), std::string::npos);
}

TEST_F(KbIndexTest, BuildsShardsAndTheirLexicon) {
  Outcome build = KbIndex({"build", "--corpus", corpus_, "--index", index_, "--shards", "2"});
  ASSERT_EQ(build.code, 0) << build.err;
  EXPECT_EQ(build.out.rfind("built 2 shards and their lexicon in " + index_ + ": 3 articles (en=3; 1 internal) from 3 "
                            "files in ",
                            0),
            0u)
      << build.out;
  for (const char* dir : {"/lexicon", "/shard-0", "/shard-1"}) {
    EXPECT_TRUE(std::filesystem::exists(index_ + dir + "/XAPIANDB")) << dir;
  }
  EXPECT_EQ(Xapian::Database(index_ + "/shard-0").get_doccount() + Xapian::Database(index_ + "/shard-1").get_doccount(),
            3u);
  EXPECT_EQ(Xapian::Database(index_ + "/lexicon").get_doccount(), 0u);
  for (const char* bad : {"0", "65", "two", "2x", "-1"}) {
    Outcome refused = KbIndex({"build", "--corpus", corpus_, "--index", index_, "--shards", bad});
    EXPECT_EQ(refused.code, 2) << bad;
    EXPECT_EQ(refused.err, fmt::format("kb-index build: --shards must be a number from 1 to 64, got '{}'\n", bad));
  }
}

TEST_F(KbIndexTest, RebuildsWriteOnlyWhatChanged) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  // Nothing changed: nothing written, and the same generation.
  Outcome again = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out.rfind("updated gen-000001: 3 articles (en=3; 1 internal) from 3 files: 0 added, 0 updated, "
                            "0 deleted, 3 unchanged in ",
                            0),
            0u)
      << again.out;
  // One edited, one added, one deleted.
  WriteFile(corpus_, "en/billing/refund.md", Article("refund", "Can I get a refund?", "Refunds for sixty days."));
  WriteFile(corpus_, "en/billing/invoice.md", Article("invoice", "Where is my invoice?", "Under Billing."));
  std::filesystem::remove(corpus_ + "/en/runbooks/refund-approval.md");
  Outcome changed = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  ASSERT_EQ(changed.code, 0) << changed.err;
  EXPECT_EQ(changed.out.rfind("updated gen-000001: 3 articles (en=3; 0 internal) from 3 files: 1 added, 1 updated, "
                              "1 deleted, 1 unchanged in ",
                              0),
            0u)
      << changed.out;
  EXPECT_EQ(KbIndex({"search", "--index", index_, "sixty"}).out.rfind("1\trefund\t", 0), 0u);
  EXPECT_EQ(KbIndex({"search", "--index", index_, "within"}).out, "");  // the old text is gone
  EXPECT_EQ(KbIndex({"search", "--index", index_, "invoice"}).out.rfind("1\tinvoice\t", 0), 0u);
  EXPECT_EQ(KbIndex({"search", "--index", index_, "--audience", "agent", "approval"}).out, "");
  // --full builds a new generation from scratch.
  Outcome full = KbIndex({"build", "--corpus", corpus_, "--index", index_, "--full"});
  ASSERT_EQ(full.code, 0) << full.err;
  EXPECT_EQ(full.out.rfind("built gen-000002: 3 articles (en=3; 0 internal) from 3 files: 3 added, 0 updated, "
                           "0 deleted, 0 unchanged in ",
                           0),
            0u)
      << full.out;
}

TEST_F(KbIndexTest, ExplainShowsWhatMatchedWhereAndItsWeight) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  Outcome search = KbIndex({"search", "--index", index_, "--explain", "forgot", "my", "password"});
  ASSERT_EQ(search.code, 0) << search.err;
  std::vector<std::string> lines;
  std::istringstream in(search.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_GE(lines.size(), 5u) << search.out;
  EXPECT_EQ(lines[0].rfind("1\treset-password\t", 0), 0u);
  // Each part: <TAB>part<TAB>fields<TAB>weight; the weights add up to the score.
  auto field = [](const std::string& line, int n) {
    std::vector<std::string> f;
    std::istringstream s(line);
    for (std::string x; std::getline(s, x, '\t');) f.push_back(x);
    return f.at(static_cast<std::size_t>(n));
  };
  EXPECT_EQ(field(lines[1], 1), "forgot");  // not in the title: no title boost line
  EXPECT_EQ(field(lines[1], 2), "questions");
  EXPECT_EQ(field(lines[2], 1), "password");
  EXPECT_EQ(field(lines[2], 2), "title,questions");
  EXPECT_EQ(field(lines[3], 1), "password (title boost)");
  EXPECT_EQ(field(lines[3], 2), "title");
  EXPECT_EQ(field(lines[4], 1), "my (function word)");
  EXPECT_EQ(field(lines[4], 2), "title");
  double sum = 0;
  std::size_t i = 1;
  for (; i < lines.size() && lines[i][0] == '\t'; ++i) sum += std::stod(field(lines[i], 3));
  EXPECT_NEAR(sum, std::stod(field(lines[0], 2)), 0.001);
}

TEST_F(KbIndexTest, InternalArticlesNeedTheAgentAudience) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  Outcome pub = KbIndex({"search", "--index", index_, "refund", "approval"});
  EXPECT_EQ(pub.out.find("refund-approval"), std::string::npos);
  EXPECT_NE(pub.out.find("\trefund\t"), std::string::npos);
  Outcome agent = KbIndex({"search", "--index", index_, "--audience", "agent", "refund", "approval"});
  EXPECT_EQ(agent.out.rfind("1\trefund-approval\t", 0), 0u) << agent.out;
}

TEST_F(KbIndexTest, ABadCorpusPrintsEveryErrorAndLeavesTheOldIndexServing) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  WriteFile(corpus_, "en/account/dup.md", Article("reset-password", "Another reset article", "x"));
  WriteFile(corpus_, "en/account/open.md", "---\nid: open\ntitle: Open\n");
  WriteFile(corpus_, "en/account/who.md", Article("who", "Who", "x", "audience: everyone\n"));
  WriteFile(corpus_, "en/account/type.md", Article("type", "Type", "x", "type: guide\n"));
  WriteFile(corpus_, "en/account/notitle.md", "---\nid: notitle\n---\nbody\n");
  WriteFile(corpus_, "en/account/noid.md", "---\ntitle: No id\n---\nbody\n");
  WriteFile(corpus_, "en/account/date.md", Article("date", "Date", "x", "updated: 14/08/2026\n"));
  WriteFile(corpus_, "en/account/utf8.md", Article("utf8", "Bad bytes", "caf\xE9"));
  WriteFile(corpus_, "bulk.jsonl", "{\"id\": \"j1\", \"title\": \"Fine\"}\n{\"id\": \"j2\", \"title\": \"Broken\"\n");

  Outcome build = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  EXPECT_EQ(build.code, 1);
  const std::string p = corpus_ + "/";
  EXPECT_EQ(build.err,
            p + "bulk.jsonl:2: error: malformed JSON at column 31: syntax error while parsing object - unexpected "
                "end of input; expected '}'\n" +
            p + "en/account/date.md:4: error: malformed date '14/08/2026' in 'updated': expected YYYY-MM-DD\n" +
            p + "en/account/noid.md:1: error: missing required field 'id'\n" +
            p + "en/account/notitle.md:1: error: missing required field 'title'\n" +
            p + "en/account/open.md:1: error: unterminated front matter: no closing '---' line\n" +
            p + "en/account/type.md:4: error: unknown type 'guide': expected 'faq' or 'troubleshooting'\n" +
            p + "en/account/utf8.md:5: error: invalid UTF-8 (byte 0xE9 at column 4)\n" +
            p + "en/account/who.md:4: error: unknown audience 'everyone': expected 'public' or 'internal'\n" +
            p + "en/account/reset-password.md:1: error: duplicate id 'reset-password' in locale 'en': also defined "
                "at " + p + "en/account/dup.md:1\n" +
            "kb-index: 9 errors in " + corpus_ + "; the index in " + index_ + " was not changed\n");

  // The previous generation still serves.
  Outcome search = KbIndex({"search", "--index", index_, "refund"});
  EXPECT_EQ(search.code, 0);
  EXPECT_EQ(search.out.rfind("1\trefund\t", 0), 0u) << search.out;
}

// Inputs that once stopped kb-index with "internal error" and no place: a
// YAML escape that makes invalid UTF-8 (check passed it, build threw while
// storing it), and numbers out of a double's range in JSONL and Zendesk
// exports.
TEST_F(KbIndexTest, CheckAndBuildReportAnEscapeThatMakesInvalidUtf8WithItsLine) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  const std::string bad = WriteFile(corpus_, "en/account/escape.md", "---\nid: escape\ntitle: \"a\\N b\"\n---\nBody.\n");
  const std::string message = bad + ":3: error: field 'title' is not valid UTF-8 (byte 0x85 at byte 2); YAML's \\N "
                                    "escape gives this byte: write \\u0085 instead\n";
  Outcome check = KbIndex({"check", "--corpus", corpus_, "--stale-days", "0"});
  EXPECT_EQ(check.code, 1);
  EXPECT_EQ(check.out, message + "checked 3 articles in 1 locale: 1 error, 0 warnings\n");
  Outcome build = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  EXPECT_EQ(build.code, 1);
  EXPECT_EQ(build.err, message + "kb-index: 1 error in " + corpus_ + "; the index in " + index_ + " was not changed\n");
  EXPECT_EQ(KbIndex({"search", "--index", index_, "refund"}).out.rfind("1\trefund\t", 0), 0u);
}

TEST_F(KbIndexTest, ANumberOutOfRangeInJsonlIsAnErrorWithItsLine) {
  const std::string jsonl = WriteFile(tmp_.path(), "bulk.jsonl", "{\"id\": \"a\", \"title\": \"t\", \"body\": 1e999}\n");
  Outcome build = KbIndex({"build", "--corpus", jsonl, "--index", index_});
  EXPECT_EQ(build.code, 1);
  EXPECT_EQ(build.err, jsonl + ":1: error: number out of range at column 35: 1e999 does not fit in a double\n"
                           "kb-index: 1 error in " + jsonl + "; the index in " + index_ + " was not changed\n");
}

TEST_F(KbIndexTest, ANumberOutOfRangeInAZendeskExportIsAnErrorWithItsLine) {
  const std::string json = WriteFile(tmp_.path(), "export.json",
                                     "{\"articles\": [\n{\"id\": 1e999, \"title\": \"t\", \"body\": \"b\", "
                                     "\"locale\": \"en\"}]}");
  Outcome import = KbIndex({"import", "zendesk", "--out", tmp_.path() + "/out", json});
  EXPECT_EQ(import.code, 1);
  EXPECT_EQ(import.err.substr(0, import.err.find('\n') + 1),
            json + ":2: error: number out of range at column 8: 1e999 does not fit in a double\n");
}

TEST_F(KbIndexTest, ABadSynonymsFileIsAnErrorWithItsLine) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  WriteFile(corpus_, "synonyms/en.txt", "sign in, log in\nrefund\n");
  Outcome build = KbIndex({"build", "--corpus", corpus_, "--index", index_});
  EXPECT_EQ(build.code, 1);
  EXPECT_EQ(build.err, corpus_ + "/synonyms/en.txt:2: error: synonym group 'refund' has one entry: list at least two, "
                                 "separated by commas\nkb-index: 1 error in " + corpus_ + "; the index in " + index_ +
                           " was not changed\n");
}

TEST_F(KbIndexTest, SynonymsFromTheCorpusApplyToSearches) {
  WriteFile(corpus_, "synonyms/en.txt", "refund, money back\n");
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  Outcome search = KbIndex({"search", "--index", index_, "--locale", "en", "I", "want", "my", "money", "back"});
  EXPECT_EQ(search.out.rfind("1\trefund\t", 0), 0u) << search.out;
}

TEST_F(KbIndexTest, QueriesAreTextNotSyntax) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  for (const char* q : {"refund AND (NOT", "\"refund", "refund: #30 days?", "OR refund OR", "[refund]]"}) {
    Outcome search = KbIndex({"search", "--index", index_, q});
    EXPECT_EQ(search.code, 0) << q << ": " << search.err;
    EXPECT_EQ(search.out.rfind("1\trefund\t", 0), 0u) << q << ": " << search.out;
  }
}

TEST_F(KbIndexTest, EmptyQueryIsAClearError) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  Outcome search = KbIndex({"search", "--index", index_, "   "});
  EXPECT_EQ(search.code, 1);
  EXPECT_EQ(search.err, "kb-index: invalid_argument: query is empty: type a few words to search for\n");
}

TEST_F(KbIndexTest, UsageErrors) {
  EXPECT_EQ(KbIndex({}).code, 2);
  Outcome unknown = KbIndex({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err.rfind("kb-index: unknown command 'frobnicate'\n", 0), 0u);
  Outcome missing = KbIndex({"build", "--corpus", corpus_});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err.rfind("kb-index build: needs --corpus PATH and --index DIR\n", 0), 0u);
  Outcome audience = KbIndex({"search", "--index", index_, "--audience", "admin", "x"});
  EXPECT_EQ(audience.code, 2);
  EXPECT_EQ(audience.err, "kb-index search: --audience must be 'public' or 'agent', got 'admin'\n");
}

TEST_F(KbIndexTest, SearchWithoutAnIndexSaysSo) {
  Outcome search = KbIndex({"search", "--index", tmp_.path() + "/nothing", "refund"});
  EXPECT_EQ(search.code, 1);
  EXPECT_EQ(search.err,
            "kb-index: not_found: no index at " + tmp_.path() + "/nothing: build one with 'kb-index build'\n");
}

// The names in `dir`, sorted.
std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// A disk that fills up: both kinds of build fail with the reason, nothing
// of them is left behind, the index built before still answers, and once
// there is room again the next build goes through.
TEST_F(KbIndexTest, AFullDiskFailsTheBuildAndLeavesTheLiveIndexServing) {
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp_.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string index = disk->path() + "/index";
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index}).code, 0);
  const Outcome before = KbIndex({"search", "--index", index, "refund"});
  ASSERT_EQ(before.code, 0) << before.err;
  ASSERT_EQ(before.out.rfind("1\trefund\t", 0), 0u) << before.out;
  ASSERT_TRUE(disk->Fill());

  // A new generation.
  Outcome full = KbIndex({"build", "--full", "--corpus", corpus_, "--index", index});
  EXPECT_EQ(full.code, 1);
  EXPECT_EQ(full.err, "kb-index: resource_exhausted: cannot build index in " + index +
                          "/gen-000002: the disk is full (DatabaseError: Error writing to file (No space left on "
                          "device))\n");
  EXPECT_EQ(Listing(index), (std::set<std::string>{".lock", "XAPIANDB", "gen-000001"}));
  // An update of the live generation in place.
  WriteFile(corpus_, "en/billing/invoice.md", Article("invoice", "Where is my invoice?", "Under Billing."));
  Outcome update = KbIndex({"build", "--corpus", corpus_, "--index", index});
  EXPECT_EQ(update.code, 1);
  EXPECT_EQ(update.err, "kb-index: resource_exhausted: cannot update index " + index +
                            ": the disk is full (DatabaseError: Modifications failed (DatabaseError: Error writing "
                            "block 2 (No space left on device)), and couldn't open at the old revision: Error "
                            "writing to file)\n");
  EXPECT_EQ(Listing(index), (std::set<std::string>{".lock", "XAPIANDB", "gen-000001"}));
  EXPECT_EQ(KbIndex({"search", "--index", index, "refund"}).out, before.out);
  EXPECT_EQ(KbIndex({"search", "--index", index, "invoice"}).out, "");

  disk->Unfill();
  Outcome again = KbIndex({"build", "--corpus", corpus_, "--index", index});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out.rfind("updated gen-000001: 4 articles (en=4; 1 internal) from 4 files: 1 added, 0 updated, "
                            "0 deleted, 3 unchanged in ",
                            0),
            0u)
      << again.out;
  EXPECT_EQ(KbIndex({"search", "--index", index, "invoice"}).out.rfind("1\tinvoice\t", 0), 0u);
}

// A read-only index directory (a read-only mount: root may write anything
// else) can be searched but not built.
// Five customers, each from a network of its own, searched "money back"
// and said the refund article solved it.
void RecordFiveSatisfiedCustomers(const std::string& events_path) {
  auto store = analytics::OpenSqliteEventStore(events_path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  std::vector<analytics::Event> events;
  const std::int64_t now = NowMs();
  for (int i = 0; i < 5; ++i) {
    analytics::Event search;
    search.event_id = fmt::format("q{}", i);
    search.type = analytics::EventType::kSearch;
    search.session_id = fmt::format("s{}", i);
    search.time_ms = now - 60'000;
    search.locale = "en";
    search.query_id = search.event_id;
    search.query = "money back";
    search.client = fmt::format("client-{}", i);
    analytics::Event resolve = search;
    resolve.event_id = fmt::format("r{}", i);
    resolve.type = analytics::EventType::kResolve;
    resolve.article_id = "refund";
    events.push_back(search);
    events.push_back(resolve);
  }
  ASSERT_TRUE((*store)->Append(std::move(events)).has_value());
}

TEST_F(KbIndexTest, LearnGivesTheIndexWhatSatisfiedCustomers) {
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index_}).code, 0);
  EXPECT_EQ(KbIndex({"search", "--index", index_, "money", "back"}).out, "");
  const std::string events = tmp_.path() + "/events.sqlite";
  RecordFiveSatisfiedCustomers(events);
  Outcome learn = KbIndex({"learn", "--events", events, "--index", index_});
  ASSERT_EQ(learn.code, 0) << learn.err;
  EXPECT_EQ(learn.out.substr(0, learn.out.find('\n') + 1),
            "learned 1 phrasings for 1 articles from 10 events in 5 sessions "
            "(held back: 0 with too few clients, 0 private, 0 rejected)\n");
  EXPECT_EQ(learn.out.rfind("updated gen-000001: 1 of 3 articles changed in ", learn.out.find('\n') + 1),
            learn.out.find('\n') + 1)
      << learn.out;
  Outcome search = KbIndex({"search", "--index", index_, "--explain", "money", "back"});
  ASSERT_EQ(search.code, 0) << search.err;
  EXPECT_EQ(search.out.substr(0, search.out.find('\n')).rfind("1\trefund\t", 0), 0u) << search.out;
  EXPECT_NE(search.out.find("\tmoney (learned)\tlearned\t"), std::string::npos) << search.out;
  // Six clients are needed now: nothing is learned, and the index forgets.
  learn = KbIndex({"learn", "--events", events, "--index", index_, "--min-clients", "6"});
  ASSERT_EQ(learn.code, 0) << learn.err;
  EXPECT_NE(learn.out.find(": 1 of 3 articles changed"), std::string::npos) << learn.out;
  EXPECT_EQ(KbIndex({"search", "--index", index_, "money", "back"}).out, "");
}

TEST_F(KbIndexTest, LearnUsageErrors) {
  Outcome o = KbIndex({"learn", "--index", index_});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.substr(0, o.err.find('\n')), "kb-index learn: needs --events FILE and --index DIR");
  o = KbIndex({"learn", "--events", "e.sqlite", "--index", index_, "--min-clients", "none"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "kb-index learn: --min-clients must be a whole number of at least 1, got 'none'\n");
  o = KbIndex({"learn", "--events", "e.sqlite", "--index", index_, "--half-life", "soon"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "kb-index learn: --half-life must be a duration such as 90d or 12h, got 'soon'\n");
  o = KbIndex({"learn", "--events", tmp_.path() + "/missing.sqlite", "--index", index_});
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "kb-index: no event store at " + tmp_.path() + "/missing.sqlite\n");
  EXPECT_FALSE(std::filesystem::exists(tmp_.path() + "/missing.sqlite"));  // not created
  RecordFiveSatisfiedCustomers(tmp_.path() + "/events.sqlite");
  o = KbIndex({"learn", "--events", tmp_.path() + "/events.sqlite", "--index", index_});
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "kb-index: not_found: no index in " + index_ + ": build it first (kb-index build)\n");
}

TEST_F(KbIndexTest, AReadOnlyIndexDirectoryIsAClearError) {
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp_.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string index = disk->path() + "/index";
  ASSERT_EQ(KbIndex({"build", "--corpus", corpus_, "--index", index}).code, 0);
  ASSERT_TRUE(disk->SetReadOnly(true));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"build", "--corpus", corpus_, "--index", index},
        std::vector<std::string>{"build", "--full", "--corpus", corpus_, "--index", index}}) {
    Outcome build = KbIndex(args);
    EXPECT_EQ(build.code, 1);
    EXPECT_EQ(build.err, "kb-index: failed_precondition: cannot open lock file " + index +
                             "/.lock: Read-only file system\n");
  }
  Outcome fresh = KbIndex({"build", "--corpus", corpus_, "--index", disk->path() + "/other"});
  EXPECT_EQ(fresh.code, 1);
  EXPECT_EQ(fresh.err,
            "kb-index: failed_precondition: cannot create " + disk->path() + "/other: Read-only file system\n");
  Outcome search = KbIndex({"search", "--index", index, "refund"});
  EXPECT_EQ(search.code, 0) << search.err;
  EXPECT_EQ(search.out.rfind("1\trefund\t", 0), 0u) << search.out;
  ASSERT_TRUE(disk->SetReadOnly(false));
}

}  // namespace
}  // namespace kb
