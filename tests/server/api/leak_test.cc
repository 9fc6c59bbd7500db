// The internal knowledge base, probed from outside. For each word, title,
// tag, category, product, id and link that only an agent-only article has,
// every path a request without a key can take (search results, total,
// snippets, facets, did_you_mean, suggest, article lookup and its rendered
// links, openapi, metrics, readyz, pages and error messages) shows no trace
// of it. Two checks:
//  - differential: a public probe answers exactly as it does from an index
//    built without the internal articles;
//  - textual: no response contains an internal string the probe itself did
//    not send.
// The agent's side of each probe is asserted too, so the fixture really
// holds what the public side must not see.
#include <algorithm>
#include <cctype>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/api/api.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

using json = nlohmann::json;
using testing::MakeArticle;
using Params = std::vector<std::pair<std::string, std::string>>;

// Strings of the internal article that no public article has.
const std::vector<std::string> kInternal = {
    "dunning-runbook", "Dunning arrears runbook", "dunning", "arrears", "runbook", "deceased",
    "condolences",     "zorblax",                    "collections", "writeoff", "bereavement", "ledgerpro",
};

std::vector<Article> PublicArticles() {
  std::vector<Article> out = {
      MakeArticle("reset-password", "en", "How do I reset my password?",
                  "Choose **Forgot password** on the sign-in page. Agents: see [the notes](kb:dunning-runbook) "
                  "or [refunds](kb:refund)."),
      MakeArticle("refund", "en", "Can I get a refund?", "A customer can get a refund within 30 days.", "public",
                  "billing"),
  };
  out[0].tags = {"login", "password"};
  out[1].tags = {"payments"};
  return out;
}

std::vector<Article> AllArticles() {
  std::vector<Article> out = PublicArticles();
  Article internal = MakeArticle("dunning-runbook", "en", "Dunning arrears runbook",
                                 "When dunning fails for a deceased customer, send condolences and apply the zorblax "
                                 "override. See [refunds](kb:refund).",
                                 "internal", "collections", "troubleshooting");
  internal.tags = {"writeoff", "bereavement"};
  internal.product = "ledgerpro";
  out.push_back(std::move(internal));
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class LeakTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("leak");
    ASSERT_TRUE(BuildIndex(AllArticles(), tmp_->path() + "/all"));
    ASSERT_TRUE(BuildIndex(PublicArticles(), tmp_->path() + "/public"));
    for (const char* page : {"index", "contact", "contact-sent", "agent", "dashboard"}) {
      testing::WriteFile(tmp_->path(), std::string("widgets/") + page + ".html", std::string("<h1>") + page + "</h1>");
    }
    testing::WriteFile(tmp_->path(), "widgets/kb-search.js", "export {};");
  }
  static void TearDownTestSuite() { delete tmp_; }

  void SetUp() override {
    full_ = Make("all");
    public_only_ = Make("public");
  }

  static std::unique_ptr<Api> Make(const std::string& index) {
    ServerConfig config;
    config.index_path = tmp_->path() + "/" + index;
    config.events_path = tmp_->path() + "/" + index + "-events.sqlite";
    config.widgets_dir = tmp_->path() + "/widgets";
    config.corpus_path = tmp_->path() + "/no-corpus";
    config.dictionary_dir = "";
    config.access_log = "";
    config.agent_keys = {"agent-key"};
    config.admin_keys = {"admin-key"};
    config.requests_per_second = 0;
    auto api = Api::Create(config);
    EXPECT_TRUE(api.has_value()) << api.error().ToString();
    return api ? std::move(*api) : nullptr;
  }

  static HttpResponse Send(Api& api, std::string_view method, std::string path, Params params = {},
                           std::string key = "", std::string body = "") {
    HttpRequest r;
    r.method = method;
    r.path = std::move(path);
    r.params = std::move(params);
    if (!key.empty()) r.headers.emplace("authorization", "Bearer " + key);
    if (!body.empty()) r.headers.emplace("content-type", "application/json");
    r.body = std::move(body);
    r.client = "203.0.113.7";
    return api.Handle(r);
  }

  // The response without what differs between two runs of the same request:
  // ids, timings and scores (the index's statistics count every article).
  static std::string Comparable(const HttpResponse& r) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return std::to_string(r.status) + " " + r.body;
    if (body.is_object()) {
      body.erase("query_id");
      body.erase("took_ms");
      if (body.contains("results")) {
        for (json& hit : body["results"]) hit.erase("score");
      }
    }
    return std::to_string(r.status) + " " + body.dump();
  }

  // No internal string appears in `r` unless the request sent it.
  static void ExpectNoTrace(const HttpResponse& r, const std::string& sent, const std::string& what) {
    const std::string body = Lower(r.body);
    for (const std::string& secret : kInternal) {
      if (Lower(sent).find(Lower(secret)) != std::string::npos) continue;
      EXPECT_EQ(body.find(Lower(secret)), std::string::npos) << what << " shows '" << secret << "': " << r.body;
    }
  }

  // A public probe: answered as if the internal articles did not exist, and
  // with no trace of them.
  void Probe(std::string_view method, const std::string& path, Params params = {}, std::string body = "") {
    std::string sent = path + " " + body;
    for (const auto& [k, v] : params) sent += " " + k + "=" + v;
    const HttpResponse from_full = Send(*full_, method, path, params, "", body);
    const HttpResponse from_public = Send(*public_only_, method, path, params, "", body);
    EXPECT_EQ(Comparable(from_full), Comparable(from_public)) << sent;
    ExpectNoTrace(from_full, sent, sent);
  }

  json AgentGet(const std::string& path, Params params) {
    const HttpResponse r = Send(*full_, "GET", path, std::move(params), "agent-key");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  static TempDir* tmp_;
  std::unique_ptr<Api> full_, public_only_;
};

TempDir* LeakTest::tmp_ = nullptr;

// The words of the internal article, as typed, misspelled, run together,
// cut short and mixed with public words.
const std::vector<std::string> kQueries = {
    "dunning",          "dunnig",           "dunnning",       "dunning runbook", "dunningrunbook",
    "dunning run book", "arrears",       "arears",      "runbook",         "runbok",
    "run book",         "deceased",         "deceesed",       "condolences",     "condolenses",
    "zorblax",          "zorblux",          "zorblax override", "writeoff",      "write off",
    "bereavement",      "bereavment",       "collections",    "ledgerpro",       "ledger pro",
    "reset dunnig",     "refund condolenses", "password zorblux", "dunning-runbook",
};

TEST_F(LeakTest, SearchShowsNoInternalWordThroughResultsTotalsSnippetsFacetsOrCorrections) {
  for (const std::string& q : kQueries) {
    Probe("GET", "/api/v1/search", {{"q", q}});
    Probe("GET", "/api/v1/search", {{"q", q}, {"per_page", "50"}, {"facets", "*"}});
  }
  // A public search whose words are also in the internal article: totals
  // and facets count public articles only.
  for (const char* q : {"customer", "refund", "customer refund override", "fails"}) {
    Probe("GET", "/api/v1/search", {{"q", q}, {"facets", "*"}});
  }
  // Filters on internal values find nothing, as unknown values do.
  for (const auto& [name, value] : Params{{"category", "collections"},
                                          {"tags", "writeoff"},
                                          {"tags", "bereavement,writeoff"},
                                          {"product", "ledgerpro"},
                                          {"type", "troubleshooting"}}) {
    Probe("GET", "/api/v1/search", {{"q", "refund"}, {name, value}, {"facets", "*"}});
    Probe("GET", "/api/v1/search", {{"q", "customer"}, {name, value}, {"facets", "*"}});
  }
}

TEST_F(LeakTest, SuggestCompletesNoInternalTitle) {
  for (const char* q : {"d", "du", "dun", "dunn", "dunni", "dunnig", "dunning", "dunning arr", "arr", "arrea", "run",
                        "runb", "runbook", "zorb", "reset dunn", "dunnig r", "arears r"}) {
    Probe("GET", "/api/v1/suggest", {{"q", q}});
  }
}

TEST_F(LeakTest, ArticleLookupHidesTheArticleAndTheLinksToIt) {
  Probe("GET", "/api/v1/articles/dunning-runbook");
  Probe("GET", "/api/v1/articles/dunning-runbook", {{"locale", "en"}});
  Probe("GET", "/api/v1/articles/reset-password");
  Probe("GET", "/api/v1/articles/refund");
  const HttpResponse hidden = Send(*full_, "GET", "/api/v1/articles/dunning-runbook");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body, R"({"error":{"code":"not_found","message":"no article 'dunning-runbook'"}})");
  const HttpResponse linking = Send(*full_, "GET", "/api/v1/articles/reset-password");
  EXPECT_EQ(json::parse(linking.body)["body_html"],
            "<p>Choose <strong>Forgot password</strong> on the sign-in page. Agents: see <a>the notes</a> or "
            "<a href=\"/api/v1/articles/refund?locale=en\">refunds</a>.</p>\n");
}

TEST_F(LeakTest, OperatorsPagesAndErrorsShowNoInternalString) {
  for (const char* path : {"/healthz", "/readyz", "/api/v1/openapi.yaml", "/", "/contact", "/agent", "/dashboard",
                           "/widgets/kb-search.js", "/widgets/../secret", "/api/v1/nope"}) {
    ExpectNoTrace(Send(*full_, "GET", path), "", path);
  }
  // Operators' pages count public articles only without a key.
  EXPECT_EQ(json::parse(Send(*full_, "GET", "/readyz").body)["documents"], 2);
  const std::string metrics = Send(*full_, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("\nkb_index_documents 2\n"), std::string::npos) << metrics;
  ExpectNoTrace(Send(*full_, "GET", "/metrics"), "", "/metrics");
  // Malformed requests: their errors name only what was sent.
  Probe("GET", "/api/v1/search");
  Probe("GET", "/api/v1/search", {{"q", "dunnig"}, {"page", "x"}});
  Probe("GET", "/api/v1/search", {{"q", "dunnig"}, {"type", "runbook"}});
  Probe("GET", "/api/v1/suggest", {{"q", "dunn"}, {"limit", "0"}});
  Probe("GET", "/api/v1/articles/dunning runbook");
  Probe("POST", "/api/v1/events", {}, R"({"events":[{"type":"click","article_id":"dunning-runbook"}]})");
  Probe("POST", "/api/v1/admin/reindex");
  Probe("GET", "/api/v1/analytics/summary");
}

// The same probes with an agent key see the internal article: the public
// side above is hidden by the audience, not missing from the fixture.
TEST_F(LeakTest, AgentsSeeTheInternalVocabulary) {
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "dunnig"}})["did_you_mean"], "dunning");
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "condolenses"}})["did_you_mean"], "condolences");
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "deceesed"}})["did_you_mean"], "deceased");
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "dunnig"}})["results"][0]["id"], "dunning-runbook");
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "customer"}})["total"], 2);
  EXPECT_EQ(AgentGet("/api/v1/search", {{"q", "customer"}, {"facets", "category"}})["facets"]["category"],
            json({{"billing", 1}, {"collections", 1}}));
  EXPECT_EQ(AgentGet("/api/v1/suggest", {{"q", "dunn"}})["suggestions"][0]["text"], "Dunning arrears runbook");
  EXPECT_EQ(AgentGet("/api/v1/articles/dunning-runbook", {})["title"], "Dunning arrears runbook");
  EXPECT_EQ(AgentGet("/api/v1/articles/reset-password", {})["body_html"],
            "<p>Choose <strong>Forgot password</strong> on the sign-in page. Agents: see <a "
            "href=\"/api/v1/articles/dunning-runbook?locale=en\">the notes</a> or "
            "<a href=\"/api/v1/articles/refund?locale=en\">refunds</a>.</p>\n");
  EXPECT_EQ(AgentGet("/readyz", {})["documents"], 3);
  // Public words are still corrected for everyone.
  const HttpResponse r = Send(*full_, "GET", "/api/v1/search", {{"q", "pasword"}});
  EXPECT_EQ(json::parse(r.body)["did_you_mean"], "password");
}

}  // namespace
}  // namespace kb::api
