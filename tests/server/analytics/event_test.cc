#include "server/analytics/event.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kb::analytics {
namespace {

using json = nlohmann::json;

constexpr std::int64_t kNow = 1'790'000'000'000;

json Valid() {
  return {{"event_id", "e1"}, {"type", "view"}, {"session_id", "s-1"}, {"channel", "widget"}, {"article_id", "reset-password"}};
}

// The problems of a batch of `events`, as "index: message" lines.
std::vector<std::string> Problems(const json& body) {
  auto r = ParseEventBatch(body.dump(), kNow);
  std::vector<std::string> out;
  if (r) return out;
  for (const EventProblem& p : r.error()) out.push_back(std::to_string(p.index) + ": " + p.message);
  return out;
}

TEST(EventTest, ParsesEveryClientType) {
  const json batch = {{"events",
                       {{{"event_id", "e1"}, {"type", "click"}, {"session_id", "s1"}, {"channel", "widget"},
                         {"query_id", "q1"}, {"article_id", "reset-password"}, {"position", 2}, {"locale", "de-at"}},
                        {{"event_id", "e2"}, {"type", "vote"}, {"session_id", "s1"}, {"channel", "contact_form"},
                         {"article_id", "a"}, {"helpful", false}, {"reason", "outdated"}},
                        {{"event_id", "e3"}, {"type", "resolve"}, {"session_id", "s1"}, {"channel", "widget"},
                         {"article_id", "a"}},
                        {{"event_id", "e4"}, {"type", "escalate"}, {"session_id", "s1"}, {"channel", "widget"}},
                        {{"event_id", "e5"}, {"type", "search"}, {"session_id", "s1"}, {"channel", "agent"},
                         {"query_id", "q9"}, {"query", "  Reset PASSWORD "}, {"result_count", 0}}}}};
  auto r = ParseEventBatch(batch.dump(), kNow);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 5u);
  const Event& click = (*r)[0];
  EXPECT_EQ(click.type, EventType::kClick);
  EXPECT_EQ(click.query_id, "q1");
  EXPECT_EQ(click.article_id, "reset-password");
  EXPECT_EQ(click.position, 2);
  EXPECT_EQ(click.locale, "de-AT");
  EXPECT_EQ(click.time_ms, kNow);
  EXPECT_EQ((*r)[1].channel, Channel::kContactForm);
  EXPECT_EQ((*r)[1].helpful, false);
  EXPECT_EQ((*r)[1].reason, "outdated");
  EXPECT_EQ((*r)[2].type, EventType::kResolve);
  EXPECT_EQ((*r)[3].type, EventType::kEscalate);
  EXPECT_EQ((*r)[4].query, "reset password");  // normalised
  EXPECT_EQ((*r)[4].result_count, 0);
}

TEST(EventTest, AcceptsABareArrayAndIgnoresTheClientsClock) {
  json e = Valid();
  e["time"] = "1999-01-01T00:00:00Z";
  auto r = ParseEventBatch(json::array({e}).dump(), kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].time_ms, kNow);
}

TEST(EventTest, RefusesMalformedBatchesAsAWhole) {
  EXPECT_EQ(Problems(json("x")), (std::vector<std::string>{"-1: 'events' must be an array"}));
  EXPECT_EQ(Problems(json::object()), (std::vector<std::string>{"-1: the body must be {\"events\": [...]}"}));
  EXPECT_EQ(Problems(json{{"events", json::array()}}), (std::vector<std::string>{"-1: 'events' is empty"}));
  json many = json::array();
  for (int i = 0; i < 101; ++i) {
    json e = Valid();
    e["event_id"] = fmt::format("e{}", i);
    many.push_back(e);
  }
  EXPECT_EQ(Problems(json{{"events", many}}),
            (std::vector<std::string>{"-1: a batch holds at most 100 events; this one has 101"}));
  auto r = ParseEventBatch("{\"events\": [", kNow);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error()[0].message, "the body is not valid JSON");
  r = ParseEventBatch("{\"events\": [\"\xff\"]}", kNow);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error()[0].message, "the body is not valid UTF-8");
}

TEST(EventTest, ListsEveryBadEventByIndex) {
  json ok = Valid();
  json no_id = Valid();
  no_id.erase("event_id");
  json bad_type = Valid();
  bad_type["event_id"] = "e3";
  bad_type["type"] = "purchase";
  json bad_click = Valid();
  bad_click["event_id"] = "e4";
  bad_click["type"] = "click";
  bad_click["position"] = 0;
  json bad_vote = Valid();
  bad_vote["event_id"] = "e5";
  bad_vote["type"] = "vote";
  bad_vote["helpful"] = "yes";
  json bad_session = Valid();
  bad_session["event_id"] = "e6";
  bad_session["session_id"] = "has space";
  json bad_channel = Valid();
  bad_channel["event_id"] = "e7";
  bad_channel["channel"] = "email";
  json no_article = Valid();
  no_article["event_id"] = "e8";
  no_article.erase("article_id");
  json repeated = Valid();  // same id as event 0
  json ticket = Valid();
  ticket["event_id"] = "e10";
  ticket["type"] = "ticket";
  json bad_locale = Valid();
  bad_locale["event_id"] = "e11";
  bad_locale["locale"] = "not a locale";
  json nul_reason = Valid();
  nul_reason["event_id"] = "e12";
  nul_reason["type"] = "vote";
  nul_reason["helpful"] = false;
  nul_reason["reason"] = std::string("old\0text", 8);
  EXPECT_EQ(Problems(json{{"events", {ok, no_id, bad_type, bad_click, bad_vote, bad_session, bad_channel, no_article,
                                      repeated, ticket, bad_locale, "text", nul_reason}}}),
            (std::vector<std::string>{
                "1: 'event_id' is required",
                "2: unknown type 'purchase': use search, click, view, vote, resolve, escalate or use",
                "3: 'position' must be a whole number from 1 to 1000",
                "4: 'helpful' must be true or false",
                "5: 'session_id' may hold only letters, digits and . _ : -",
                "6: unknown channel 'email': use widget, contact_form or agent",
                "7: 'article_id' is required for a view event",
                "8: 'event_id' repeats event 0 of this batch",
                "9: unknown type 'ticket': use search, click, view, vote, resolve, escalate or use",
                "10: 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'",
                "11: an event must be a JSON object",
                "12: 'reason' must not contain U+0000",
            }));
}

TEST(EventTest, AViewMayCarryItsDwellTime) {
  json view = Valid();
  view["dwell_ms"] = 41250;
  json other = Valid();
  other["event_id"] = "e2";
  auto r = ParseEventBatch(json{{"events", {view, other}}}.dump(), kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].dwell_ms, 41250);
  EXPECT_EQ((*r)[1].dwell_ms, -1);  // not sent
  std::vector<json> bad;
  for (json v : {json(-1), json(86'400'001), json(2.5), json("10")}) {
    json e = Valid();
    e["event_id"] = fmt::format("b{}", bad.size());
    e["dwell_ms"] = v;
    bad.push_back(e);
  }
  EXPECT_EQ(Problems(json{{"events", bad}}),
            (std::vector<std::string>{"0: 'dwell_ms' must be a whole number from 0 to 86400000",
                                      "1: 'dwell_ms' must be a whole number from 0 to 86400000",
                                      "2: 'dwell_ms' must be a whole number from 0 to 86400000",
                                      "3: 'dwell_ms' must be a whole number from 0 to 86400000"}));
}

TEST(EventTest, AUseNamesTheArticleAndWhatTheAgentDidWithIt) {
  const json use = {{"event_id", "u1"}, {"type", "use"},          {"session_id", "s1"}, {"channel", "agent"},
                    {"article_id", "refund"}, {"query_id", "q4"}, {"action", "copy_link"}};
  auto r = ParseEventBatch(json::array({use}).dump(), kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].type, EventType::kUse);
  EXPECT_EQ((*r)[0].article_id, "refund");
  EXPECT_EQ((*r)[0].query_id, "q4");
  EXPECT_EQ((*r)[0].action, "copy_link");
  json no_action = use;
  no_action.erase("action");
  json bad_action = use;
  bad_action["event_id"] = "u2";
  bad_action["action"] = "print";
  json no_article = use;
  no_article["event_id"] = "u3";
  no_article.erase("article_id");
  EXPECT_EQ(Problems(json::array({no_action, bad_action, no_article})),
            (std::vector<std::string>{"0: 'action' is required for a use event",
                                      "1: 'action' must be 'copy_answer' or 'copy_link'",
                                      "2: 'article_id' is required for a use event"}));
}

TEST(EventTest, ATicketMayNameTheArticlesLinkedToIt) {
  auto e = ParseTicketWebhook(R"({"session_id": "s-9", "ticket_id": 7, "article_ids": ["refund", "reset", "refund"]})",
                              kNow);
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->article_ids, (std::vector<std::string>{"refund", "reset"}));  // each once
  EXPECT_EQ(ParseTicketWebhook(R"({"session_id": "s-9", "article_ids": "refund"})", kNow).error().message(),
            "'article_ids' must be an array of article ids");
  EXPECT_EQ(ParseTicketWebhook(R"({"session_id": "s-9", "article_ids": ["a", 3]})", kNow).error().message(),
            "'article_ids'[1] must be a string");
  EXPECT_EQ(ParseTicketWebhook(R"({"session_id": "s-9", "article_ids": ["a b"]})", kNow).error().message(),
            "'article_ids'[0] id must not contain whitespace or control characters");
  json many = {{"session_id", "s-9"}, {"article_ids", json::array()}};
  for (int i = 0; i < 21; ++i) many["article_ids"].push_back(fmt::format("a{}", i));
  EXPECT_EQ(ParseTicketWebhook(many.dump(), kNow).error().message(),
            "'article_ids' holds at most 20 ids; this one has 21");
}

TEST(EventTest, AClientIsItsNetwork) {
  EXPECT_EQ(ClientNetwork("192.0.2.17"), "192.0.2");
  EXPECT_EQ(ClientNetwork("::ffff:192.0.2.200"), "192.0.2");
  EXPECT_EQ(ClientNetwork("2001:db8:abcd:12ff:1::7"), "20010db8abcd12::/56");
  EXPECT_EQ(ClientNetwork("2001:db8:abcd:1200::1"), "20010db8abcd12::/56");
  EXPECT_EQ(ClientNetwork("unix-socket"), "unix-socket");
  SipKey key{};
  key[0] = 7;
  const std::string h = ClientHash("192.0.2.17", key);
  EXPECT_EQ(h.size(), 16u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(ClientHash("192.0.2.250", key), h);  // the same /24
  EXPECT_NE(ClientHash("192.0.3.17", key), h);
  SipKey other = key;
  other[1] = 1;
  EXPECT_NE(ClientHash("192.0.2.17", other), h);  // another store's key
}

TEST(EventTest, ParsesTicketWebhooks) {
  auto e = ParseTicketWebhook(R"({"session_id": "s-9", "ticket_id": 4711})", kNow);
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->type, EventType::kTicket);
  EXPECT_EQ(e->channel, Channel::kHelpDesk);
  EXPECT_EQ(e->session_id, "s-9");
  EXPECT_EQ(e->event_id, "ticket:4711");  // a resend of the same ticket is one event
  EXPECT_EQ(e->time_ms, kNow);
  auto anonymous = ParseTicketWebhook(R"({"session_id": "s-9"})", kNow);
  ASSERT_TRUE(anonymous.has_value());
  EXPECT_TRUE(anonymous->event_id.starts_with("ticket:"));
  EXPECT_EQ(ParseTicketWebhook("{}", kNow).error().message(), "'session_id' is required");
  EXPECT_EQ(ParseTicketWebhook("[]", kNow).error().message(),
            "the body must be a JSON object {\"session_id\": ...}");
  EXPECT_EQ(ParseTicketWebhook(R"({"session_id": "a b"})", kNow).error().message(),
            "'session_id' may hold only letters, digits and . _ : -");
}

TEST(EventTest, NormalisesQueriesWithTheAnalyzersFolding) {
  EXPECT_EQ(NormaliseQuery("Reset Password "), "reset password");
  EXPECT_EQ(NormaliseQuery("reset  password"), "reset password");
  EXPECT_EQ(NormaliseQuery("Rückerstattung"), "ruckerstattung");
  EXPECT_EQ(NormaliseQuery("  "), "");
  // What learning's privacy filter sees of an address (MayBeLearned).
  EXPECT_EQ(NormaliseQuery("Mail to John.Doe@Example.com"), "mail to john.doe@example.com");
}

}  // namespace
}  // namespace kb::analytics
