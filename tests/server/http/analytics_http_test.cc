// Analytics end to end over loopback: synthetic sessions whose figures are
// known in advance go through the real HTTP API, and the summary must match.
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "tests/server/http/loopback_server.h"

namespace kb::http {
namespace {

using json = nlohmann::json;

class AnalyticsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Article a;
    a.id = "reset-password";
    a.locale = "en";
    a.title = "How do I reset my password?";
    a.body_text = a.body_markdown = "Use the reset link on the sign-in page.";
    ASSERT_TRUE(BuildIndex({a}, tmp_.path() + "/index"));
    api::ServerConfig& config = config_;
    config.index_path = tmp_.path() + "/index";
    config.events_path = tmp_.path() + "/events.sqlite";
    config.port = 0;
    config.access_log = "";
    config.agent_keys = {"agent-key"};
    config.admin_keys = {"admin-key"};
    config.ticket_secret = "hook";
    config.requests_per_second = 0;
    config.threads = 4;
    config.attribution_window = std::chrono::seconds(1);  // short, so "outside the window" can be waited for
    // As behind deploy/nginx: the proxy on loopback forwards for the client.
    config.trusted_proxies = api::TrustedProxies({api::ParseCidrBlock("127.0.0.1/32").value()});
    ASSERT_TRUE(server_.Start(config));
    port_ = server_.port();
  }

  // Searches as the widget does; returns the query id.
  std::string Search(const std::string& session, const std::string& q, httplib::Headers headers = {},
                     const std::string& channel = "widget") {
    httplib::Client c("127.0.0.1", port_);
    const httplib::Params params = {{"q", q}, {"session_id", session}, {"channel", channel}};
    auto res = c.Get("/api/v1/search", params, headers);
    EXPECT_TRUE(res && res->status == 200);
    if (!res) return "";
    return json::parse(res->body)["query_id"].template get<std::string>();
  }

  void Post(const std::vector<json>& events, const httplib::Headers& headers = {}) {
    httplib::Client c("127.0.0.1", port_);
    const json body = {{"events", json(events)}};
    auto res = c.Post("/api/v1/events", headers, body.dump(), "text/plain");  // as sendBeacon sends
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202) << res->body;
  }

  static json Event(const std::string& id, const std::string& type, const std::string& session, json fields = json::object()) {
    fields["event_id"] = id;
    fields["type"] = type;
    fields["session_id"] = session;
    if (!fields.contains("channel")) fields["channel"] = "widget";
    return fields;
  }

  void Teach();
  bool FindsByLearnedWords();
  bool WaitUntilFound();  // up to 10 s

  TempDir tmp_{"analytics-http"};
  api::ServerConfig config_;
  LoopbackServer server_;
  int port_ = 0;
};

TEST_F(AnalyticsHttpTest, SyntheticSessionsGiveTheFiguresKnownInAdvance) {
  const auto out_started = std::chrono::steady_clock::now();
  Search("s-out", "reset password");  // escalates after the window: deflected all the same

  const std::string q_in = Search("s-in", "reset password");
  Post({Event("in-1", "click", "s-in", {{"query_id", q_in}, {"article_id", "reset-password"}, {"position", 1}}),
        Event("in-2", "escalate", "s-in", {{"query_id", q_in}})});  // inside the window

  Post({Event("only-esc", "escalate", "s-esc")});  // no self-service: not a help session

  const json view = Event("dup-1", "view", "s-dup", {{"article_id", "reset-password"}});
  Post({view});
  Post({view});  // the same event_id again: stored once

  Post({Event("stray-1", "click", "s-stray", {{"query_id", "never-searched"}, {"article_id", "reset-password"},
                                               {"position", 3}})});  // a click without a search

  Post({Event("tk-1", "view", "s-ticket", {{"article_id", "reset-password"}})});
  httplib::Client hook("127.0.0.1", port_);
  auto res = hook.Post("/api/v1/webhooks/ticket", {{"Authorization", "Bearer hook"}},
                       R"({"session_id": "s-ticket", "ticket_id": 9001})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;

  const std::string q_ok = Search("s-ok", "frobnicate");  // no results
  Post({Event("ok-1", "view", "s-ok", {{"article_id", "reset-password"}}),
        Event("ok-2", "vote", "s-ok", {{"article_id", "reset-password"}, {"helpful", true}}),
        Event("ok-3", "resolve", "s-ok", {{"article_id", "reset-password"}, {"query_id", q_ok}})});

  // Agents look things up and even escalate; none of it is self-service.
  for (int i = 0; i < 5; ++i) Search("agent-1", "refund", {{"Authorization", "Bearer agent-key"}}, "agent");
  Post({Event("ag-1", "escalate", "agent-1", {{"channel", "agent"}})});

  std::this_thread::sleep_until(out_started + std::chrono::milliseconds(1300));
  Post({Event("out-1", "escalate", "s-out")});

  httplib::Client admin("127.0.0.1", port_);
  res = admin.Get("/api/v1/analytics/summary", {{"Authorization", "Bearer admin-key"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json s = json::parse(res->body);
  // Help sessions: s-out, s-in, s-dup, s-ticket, s-ok. Escalated in the
  // window: s-in and s-ticket.
  EXPECT_EQ(s["help_sessions"], 5);
  EXPECT_EQ(s["escalated_sessions"], 2);
  EXPECT_DOUBLE_EQ(s["deflection_rate"].get<double>(), 1.0 - 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(s["self_service_ratio"].get<double>(), 2.5);
  EXPECT_EQ(s["resolutions"], 1);
  // Customer searches: s-out, s-in (clicked), s-ok (no results).
  EXPECT_EQ(s["searches"], 3);
  EXPECT_DOUBLE_EQ(s["search_ctr"].get<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(s["zero_result_rate"].get<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(s["no_click_rate"].get<double>(), 1.0 / 3.0);
  EXPECT_EQ(s["clicks"], 2);
  EXPECT_DOUBLE_EQ(s["avg_click_position"].get<double>(), 2.0);
  ASSERT_EQ(s["content_gaps"].size(), 2u);  // one failed search each; the more searched first
  EXPECT_EQ(s["content_gaps"][0]["query"], "reset password");
  EXPECT_EQ(s["content_gaps"][1]["query"], "frobnicate");
  EXPECT_EQ(s["top_queries"][0], (json{{"query", "reset password"},
                                       {"searches", 2},
                                       {"clicks", 1},
                                       {"zero_result_searches", 0},
                                       {"no_click_searches", 1}}));
  ASSERT_EQ(s["articles"].size(), 1u);
  // Deflections: the help sessions that opened it and did not escalate:
  // s-dup and s-ok (s-in and s-ticket escalated; s-out never opened it).
  EXPECT_EQ(s["articles"][0], (json{{"article_id", "reset-password"},
                                    {"views", 3},
                                    {"clicks", 2},
                                    {"helpful_yes", 1},
                                    {"helpful_no", 0},
                                    {"helpfulness", 1.0},
                                    {"resolutions", 1},
                                    {"deflections", 2}}));
  EXPECT_EQ(s["agent_usage"]["lookups"], 5);
}

// Each event carries a keyed hash of the network it came from, the same for
// the server's own search events and for posted ones, never the address.
TEST_F(AnalyticsHttpTest, EveryEventCarriesTheHashOfItsClientsNetwork) {
  const httplib::Headers from_a = {{"X-Forwarded-For", "198.51.100.7"}};
  const httplib::Headers from_a_too = {{"X-Forwarded-For", "198.51.100.200"}};  // the same /24
  const httplib::Headers from_b = {{"X-Forwarded-For", "203.0.113.7"}};
  const std::string q = Search("s-a", "reset password", from_a);
  Post({Event("a-1", "click", "s-a", {{"query_id", q}, {"article_id", "reset-password"}, {"position", 1}})}, from_a_too);
  Post({Event("b-1", "view", "s-b", {{"article_id", "reset-password"}, {"dwell_ms", 30000}})}, from_b);
  ASSERT_TRUE(server_.api().events().Flush().has_value());
  std::map<std::string, analytics::Event> events;
  ASSERT_TRUE(server_.api()
                  .events()
                  .Scan(0, std::numeric_limits<std::int64_t>::max(),
                        [&](const analytics::Event& e) { events.emplace(e.event_id, e); })
                  .has_value());
  ASSERT_EQ(events.size(), 3u);
  const SipKey& key = server_.api().events().ClientKey();
  EXPECT_EQ(events.at(q).client, analytics::ClientHash("198.51.100.7", key));
  EXPECT_EQ(events.at("a-1").client, events.at(q).client);
  EXPECT_EQ(events.at("b-1").client, analytics::ClientHash("203.0.113.7", key));
  EXPECT_NE(events.at("b-1").client, events.at(q).client);
  EXPECT_EQ(events.at("b-1").dwell_ms, 30000);
}

// What five customers typed and resolved with is found by the next one,
// once the server's schedule has learned it; with learning off it is not.
// Five customers of five networks search "credentials gone" and resolve
// with the password article.
void AnalyticsHttpTest::Teach() {
  for (int i = 0; i < 5; ++i) {
    const httplib::Headers from = {{"X-Forwarded-For", fmt::format("198.51.{}.7", 100 + i)}};
    const std::string session = fmt::format("learner-{}", i);
    const std::string q = Search(session, "credentials gone", from);
    Post({Event(session + "-r", "resolve", session, {{"query_id", q}, {"article_id", "reset-password"}})}, from);
  }
}

bool AnalyticsHttpTest::FindsByLearnedWords() {
  httplib::Client c("127.0.0.1", port_);
  auto res = c.Get("/api/v1/search", httplib::Params{{"q", "credentials gone"}}, httplib::Headers{});
  return res && res->status == 200 && json::parse(res->body)["results"].size() == 1 &&
         json::parse(res->body)["results"][0]["id"] == "reset-password";
}

bool AnalyticsHttpTest::WaitUntilFound() {
  bool found = false;
  for (int i = 0; i < 200 && !(found = FindsByLearnedWords()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return found;
}

TEST_F(AnalyticsHttpTest, TheServerLearnsOnItsScheduleWhatSatisfiedCustomers) {
  server_.Stop();
  config_.learning_interval = std::chrono::milliseconds(100);
  LoopbackServer learning;
  ASSERT_TRUE(learning.Start(config_));
  port_ = learning.port();
  ASSERT_FALSE(FindsByLearnedWords());
  Teach();
  EXPECT_TRUE(WaitUntilFound()) << "not learned within 10 s";
  learning.Stop();

  config_.learning_enabled = false;
  LoopbackServer off;
  ASSERT_TRUE(off.Start(config_));
  port_ = off.port();
  EXPECT_FALSE(FindsByLearnedWords());  // the index has it; a server with learning off does not match it
}

// The dashboard's calls: the list of what was learned, a rejection for good
// (the phrasing leaves the index at once and later runs leave it out), and
// a promotion that returns the change to the corpus without making it.
TEST_F(AnalyticsHttpTest, AnAdminSeesRejectsAndPromotesWhatWasLearned) {
  server_.Stop();
  const std::string source = "---\nid: reset-password\ntitle: How do I reset my password?\nquestions:\n"
                             "  - forgot password\n---\nUse the reset link on the sign-in page.\n";
  std::filesystem::create_directories(tmp_.path() + "/corpus/en/account");
  ASSERT_TRUE(WriteFileAtomic(tmp_.path() + "/corpus/en/account/reset-password.md", source));
  config_.corpus_path = tmp_.path() + "/corpus";
  config_.learning_interval = std::chrono::milliseconds(100);
  LoopbackServer learning;
  ASSERT_TRUE(learning.Start(config_));
  port_ = learning.port();
  Teach();
  ASSERT_TRUE(WaitUntilFound());
  httplib::Client admin("127.0.0.1", port_);
  const httplib::Headers key = {{"Authorization", "Bearer admin-key"}};

  auto listed = admin.Get("/api/v1/admin/learned", key);
  ASSERT_TRUE(listed && listed->status == 200);
  json body = json::parse(listed->body);
  EXPECT_EQ(body["phrasings"], 1);
  ASSERT_EQ(body["articles"].size(), 1u);
  EXPECT_EQ(body["articles"][0]["id"], "reset-password");
  EXPECT_EQ(body["articles"][0]["locale"], "en");
  EXPECT_EQ(body["articles"][0]["audience"], "public");
  EXPECT_EQ(body["articles"][0]["learned"][0]["text"], "credentials gone");
  EXPECT_EQ(body["articles"][0]["learned"][0]["clients"], 5);
  EXPECT_EQ(body["articles"][0]["learned"][0]["audience"], "public");

  auto promoted = admin.Post("/api/v1/admin/learned/promote", key,
                             R"({"article_id": "reset-password", "text": "credentials gone"})", "application/json");
  ASSERT_TRUE(promoted && promoted->status == 200) << (promoted ? promoted->body : "");
  body = json::parse(promoted->body);
  EXPECT_EQ(body["path"], "en/account/reset-password.md");
  EXPECT_EQ(body["questions"], json({"forgot password", "credentials gone"}));
  EXPECT_EQ(body["diff"],
            "--- a/en/account/reset-password.md\n+++ b/en/account/reset-password.md\n@@ -3,5 +3,6 @@\n"
            " title: How do I reset my password?\n questions:\n   - forgot password\n"
            "+  - credentials gone\n ---\n Use the reset link on the sign-in page.\n");
  EXPECT_EQ(ReadFile(config_.corpus_path + "/en/account/reset-password.md").value_or(""), source);

  auto rejected = admin.Post("/api/v1/admin/learned/reject", key,
                             R"({"article_id": "reset-password", "text": "Credentials gone"})", "application/json");
  ASSERT_TRUE(rejected && rejected->status == 200) << (rejected ? rejected->body : "");
  EXPECT_EQ(json::parse(rejected->body),
            json({{"article_id", "reset-password"}, {"text", "credentials gone"}, {"rejected", true},
                  {"documents_changed", 1}}));
  EXPECT_FALSE(FindsByLearnedWords());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // several learning runs
  EXPECT_FALSE(FindsByLearnedWords());
  listed = admin.Get("/api/v1/admin/learned", key);
  ASSERT_TRUE(listed && listed->status == 200);
  EXPECT_EQ(json::parse(listed->body), json({{"articles", json::array()}, {"phrasings", 0}}));

  // Malformed requests say what is wrong.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", "the body must be a JSON object"},
      {"[1]", "the body must be a JSON object"},
      {R"({"text": "x"})", "'article_id' is missing"},
      {R"({"article_id": "reset-password"})", "'text' is missing"},
      {R"({"article_id": "reset-password", "text": 7})", "'text' must be a string"},
      {R"({"article_id": "reset-password", "text": "x", "locale": "not a tag"})", "'locale' 'not a tag' is not a language tag"},
  };
  for (const auto& [request, message] : bad) {
    for (const char* path : {"/api/v1/admin/learned/reject", "/api/v1/admin/learned/promote"}) {
      auto res = admin.Post(path, key, request, "application/json");
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 400) << path << " " << request;
      EXPECT_EQ(json::parse(res->body)["error"]["message"], message) << path << " " << request;
    }
  }
  auto missing = admin.Post("/api/v1/admin/learned/promote", key, R"({"article_id": "nope", "text": "x"})", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["error"]["message"], "no article 'nope' in the corpus");
}

}  // namespace
}  // namespace kb::http
