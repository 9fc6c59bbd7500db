// Analytics end to end over loopback: synthetic sessions whose figures are
// known in advance go through the real HTTP API, and the summary must match.
#include <chrono>
#include <limits>
#include <map>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

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
TEST_F(AnalyticsHttpTest, TheServerLearnsOnItsScheduleWhatSatisfiedCustomers) {
  server_.Stop();
  config_.learning_interval = std::chrono::milliseconds(100);
  LoopbackServer learning;
  ASSERT_TRUE(learning.Start(config_));
  port_ = learning.port();
  auto found = [&] {
    httplib::Client c("127.0.0.1", port_);
    auto res = c.Get("/api/v1/search", httplib::Params{{"q", "credentials gone"}}, httplib::Headers{});
    return res && res->status == 200 && json::parse(res->body)["results"].size() == 1 &&
           json::parse(res->body)["results"][0]["id"] == "reset-password";
  };
  ASSERT_FALSE(found());
  for (int i = 0; i < 5; ++i) {
    const httplib::Headers from = {{"X-Forwarded-For", fmt::format("198.51.{}.7", 100 + i)}};
    const std::string session = fmt::format("learner-{}", i);
    const std::string q = Search(session, "credentials gone", from);
    Post({Event(session + "-r", "resolve", session, {{"query_id", q}, {"article_id", "reset-password"}})}, from);
  }
  bool learned = false;
  for (int i = 0; i < 200 && !(learned = found()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(learned) << "not learned within 10 s";
  learning.Stop();

  config_.learning_enabled = false;
  LoopbackServer off;
  ASSERT_TRUE(off.Start(config_));
  port_ = off.port();
  EXPECT_FALSE(found());  // the index has it; a server with learning off does not match it
}

}  // namespace
}  // namespace kb::http
