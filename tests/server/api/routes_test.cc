// The route table, walked row by row: every route refuses a wrong method
// with 405 and the methods it has, and a missing or wrong credential with
// 401, before its handler runs. An audit of the API extends this file.
#include "server/api/routes.h"

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/api/api.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

using json = nlohmann::json;
using Headers = std::map<std::string, std::string>;

TEST(MatchPatternTest, APlainPathMatchesOnlyItself) {
  EXPECT_EQ(MatchPattern("/healthz", "/healthz"), std::string_view());
  EXPECT_EQ(MatchPattern("/healthz", "/healthz/"), std::nullopt);
  EXPECT_EQ(MatchPattern("/healthz", "/health"), std::nullopt);
  EXPECT_EQ(MatchPattern("/healthz", "/HEALTHZ"), std::nullopt);
  EXPECT_EQ(MatchPattern("/", "/"), std::string_view());
  EXPECT_EQ(MatchPattern("/", ""), std::nullopt);
}

TEST(MatchPatternTest, ACaptureTakesTheRestOfThePath) {
  EXPECT_EQ(MatchPattern("/api/v1/articles/{id}", "/api/v1/articles/reset-password"), "reset-password");
  EXPECT_EQ(MatchPattern("/api/v1/articles/{id}", "/api/v1/articles/a/b"), "a/b");
  EXPECT_EQ(MatchPattern("/api/v1/articles/{id}", "/api/v1/articles/"), "");
  EXPECT_EQ(MatchPattern("/api/v1/articles/{id}", "/api/v1/articles"), std::nullopt);
  EXPECT_EQ(MatchPattern("/api/v1/articles/{id}", "/api/v1/article/x"), std::nullopt);
}

std::vector<Article> Corpus() {
  return {testing::MakeArticle("refund", "en", "Can I get a refund?", "Refunds are possible within 30 days.")};
}

class RouteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(BuildIndex(Corpus(), tmp_.path() + "/index"));
    for (const char* page : {"index", "contact", "contact-sent", "agent", "dashboard"}) {
      testing::WriteFile(tmp_.path(), std::string("widgets/") + page + ".html", page);
    }
    config_.index_path = tmp_.path() + "/index";
    config_.events_path = tmp_.path() + "/events.sqlite";
    config_.widgets_dir = tmp_.path() + "/widgets";
    config_.corpus_path = tmp_.path() + "/no-corpus";
    config_.dictionary_dir = "";
    config_.access_log = "";
    config_.agent_keys = {"agent-key"};
    config_.admin_keys = {"admin-key"};
    config_.ticket_secret = "hook-secret";
    config_.requests_per_second = 0;
    Recreate();
  }

  void Recreate() {
    api_.reset();
    auto api = Api::Create(config_);
    ASSERT_TRUE(api.has_value()) << api.error().ToString();
    api_ = std::move(*api);
  }

  HttpResponse Send(std::string_view method, std::string path, Headers headers = {}) {
    HttpRequest r;
    r.method = method;
    r.path = std::move(path);
    r.headers = std::move(headers);
    r.client = "10.0.0.1";
    return api_->Handle(r);
  }

  // A path the route's pattern matches: its capture, if any, is "x".
  static std::string SamplePath(const RouteSpec& route) {
    std::string path(route.pattern);
    if (auto brace = path.find('{'); brace != std::string::npos) path = path.substr(0, brace) + "x";
    return path;
  }

  // The methods of every row with `route`'s pattern, in table order.
  std::vector<std::string_view> MethodsOf(const RouteSpec& route) const {
    std::vector<std::string_view> methods;
    for (const RouteSpec& r : api_->routes()) {
      if (r.pattern == route.pattern) methods.push_back(r.method);
    }
    return methods;
  }

  static std::string Error(std::string_view code, std::string_view message) {
    return json{{"error", {{"code", code}, {"message", message}}}}.dump();
  }

  TempDir tmp_{"routes"};
  ServerConfig config_;
  std::unique_ptr<Api> api_;
};

// The whole table, one line a route: a change to any route shows here.
TEST_F(RouteTableTest, TheTable) {
  std::vector<std::string> rows;
  for (const RouteSpec& r : api_->routes()) {
    rows.push_back(std::string(r.method) + " " + std::string(r.pattern) + " " + std::string(AccessName(r.need)) + " " +
                   std::string(RouteName(r.metric)) + (r.limit == RateLimit::kExempt ? " unlimited" : ""));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "GET /healthz none healthz unlimited",
                      "GET /readyz none readyz unlimited",
                      "GET /metrics none metrics unlimited",
                      "GET /api/v1/search none search",
                      "GET /api/v1/suggest none suggest",
                      "GET /api/v1/articles/{id} none article",
                      "GET /api/v1/openapi.yaml none openapi",
                      "POST /api/v1/events none events",
                      "POST /api/v1/webhooks/ticket ticket_secret ticket_webhook",
                      "GET /api/v1/analytics/summary admin analytics_summary",
                      "GET /api/v1/analytics/timeseries admin analytics_timeseries",
                      "POST /api/v1/admin/reload admin admin_reload",
                      "POST /api/v1/admin/reindex admin admin_reindex",
                      "GET /api/v1/admin/reindex/{job} admin admin_reindex",
                      "GET /api/v1/admin/learned admin admin_learned",
                      "POST /api/v1/admin/learned/reject admin admin_learned",
                      "POST /api/v1/admin/learned/promote admin admin_learned",
                      "GET / none static",
                      "GET /contact none static",
                      "POST /contact none static",
                      "GET /agent none static",
                      "GET /dashboard none static",
                      "GET /widgets/{path} none static",
                  }));
}

TEST_F(RouteTableTest, EachPathFindsItsOwnRowsAndTheyAgree) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const RouteSpec& route : api_->routes()) {
    EXPECT_TRUE(seen.emplace(route.method, route.pattern).second) << route.method << " " << route.pattern;
    const std::string path = SamplePath(route);  // match.capture points into it
    const RouteMatch match = FindRoute(api_->routes(), path);
    ASSERT_FALSE(match.rows.empty()) << route.pattern;
    EXPECT_EQ(match.For(route.method), &route) << route.pattern;
    // Need, metric and rate limit are looked at before the method is.
    for (const RouteSpec* row : match.rows) {
      EXPECT_EQ(row->pattern, route.pattern);
      EXPECT_EQ(row->need, route.need) << route.pattern;
      EXPECT_EQ(row->metric, route.metric) << route.pattern;
      EXPECT_EQ(row->limit, route.limit) << route.pattern;
    }
    EXPECT_EQ(match.capture, route.pattern.find('{') == std::string_view::npos ? "" : "x") << route.pattern;
  }
}

TEST_F(RouteTableTest, AWrongMethodIs405WithTheMethodsTheRouteHas) {
  for (const RouteSpec& route : api_->routes()) {
    const std::vector<std::string_view> methods = MethodsOf(route);
    std::string allow, use;
    for (std::string_view m : methods) {
      allow += (allow.empty() ? "" : ", ") + std::string(m);
      use += (use.empty() ? "" : " or ") + std::string(m);
    }
    const std::string path = SamplePath(route);
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      if (std::find(methods.begin(), methods.end(), method) != methods.end()) continue;
      // Refused before any credential is looked at.
      for (const Headers& headers : {Headers{}, Headers{{"authorization", "Bearer admin-key"}}}) {
        const HttpResponse r = Send(method, path, headers);
        EXPECT_EQ(r.status, 405) << method << " " << path;
        EXPECT_EQ(r.body, Error("method_not_allowed", std::string(method) + " " + path + " is not supported; use " + use))
            << method << " " << path;
        EXPECT_EQ(r.Header("Allow"), allow) << method << " " << path;
      }
    }
  }
}

TEST_F(RouteTableTest, APathWithTwoMethodsListsBoth) {
  const HttpResponse r = Send("PUT", "/contact");
  EXPECT_EQ(r.body, Error("method_not_allowed", "PUT /contact is not supported; use GET or POST"));
  EXPECT_EQ(r.Header("Allow"), "GET, POST");
}

TEST_F(RouteTableTest, AMissingOrWrongCredentialIs401) {
  const Headers none, unknown = {{"authorization", "Bearer no-such-key"}};
  const Headers agent = {{"authorization", "Bearer agent-key"}}, admin = {{"authorization", "Bearer admin-key"}};
  const std::string unknown_key = Error("unauthorized", "unknown API key");
  const std::string needs_agent = Error("unauthorized", "this endpoint needs an agent key");
  const std::string needs_admin = Error("unauthorized", "this endpoint needs an admin key");
  const std::string bad_secret = Error("unauthorized", "the webhook secret is missing or wrong");
  for (const RouteSpec& route : api_->routes()) {
    const std::string path = SamplePath(route);
    auto expect = [&](const Headers& headers, const std::string& body) {
      const HttpResponse r = Send(route.method, path, headers);
      EXPECT_EQ(r.status, 401) << route.method << " " << path;
      EXPECT_EQ(r.body, body) << route.method << " " << path;
    };
    switch (route.need) {
      case Access::kNone:
        expect(unknown, unknown_key);
        EXPECT_NE(Send(route.method, path).status, 401) << route.method << " " << path;
        break;
      case Access::kAgent:
        expect(unknown, unknown_key);
        expect(none, needs_agent);
        break;
      case Access::kAdmin:
        expect(unknown, unknown_key);
        expect(none, needs_admin);
        expect(agent, needs_admin);
        break;
      case Access::kTicketSecret:
        // Its own secret, never an API key: not even an admin's.
        expect(none, bad_secret);
        expect(unknown, bad_secret);
        expect(admin, bad_secret);
        expect({{"x-webhook-secret", "hook-secret "}}, bad_secret);
        break;
    }
  }
}

// Every route against every kind of credential: the status each gets, with
// no parameters and no body. A malformed Authorization header is refused
// like an unknown key, whatever is wrong with it. (Spaces after "Bearer"
// are allowed: RFC 7235 has one or more.)
TEST_F(RouteTableTest, EveryRouteAgainstEveryCredential) {
  struct Credential {
    const char* name;
    std::vector<Headers> variants;
  };
  const std::vector<Credential> credentials = {
      {"none", {{}}},
      {"agent", {{{"authorization", "Bearer agent-key"}}}},
      {"admin", {{{"authorization", "Bearer admin-key"}}}},
      {"wrong", {{{"authorization", "Bearer no-such-key"}}, {{"authorization", "Bearer admin-key2"}}}},
      {"malformed",
       {{{"authorization", "Basic YWRtaW4ta2V5"}},
        {{"authorization", "Bearer"}},
        {{"authorization", "admin-key"}},
        {{"authorization", "Bearer admin-key\r\nX: y"}},
        {{"authorization", std::string("Bearer admin\0key", 16)}},
        {{"authorization", "Bearer \xff\xfe"}}}},
  };
  //                                             none agent admin wrong malformed
  const std::map<std::string, std::vector<int>> expected = {
      {"GET /healthz", {200, 200, 200, 401, 401}},
      {"GET /readyz", {200, 200, 200, 401, 401}},
      {"GET /metrics", {200, 200, 200, 401, 401}},
      {"GET /api/v1/search", {400, 400, 400, 401, 401}},
      {"GET /api/v1/suggest", {200, 200, 200, 401, 401}},
      {"GET /api/v1/articles/{id}", {404, 404, 404, 401, 401}},
      {"GET /api/v1/openapi.yaml", {200, 200, 200, 401, 401}},
      {"POST /api/v1/events", {400, 400, 400, 401, 401}},
      {"POST /api/v1/webhooks/ticket", {401, 401, 401, 401, 401}},
      {"GET /api/v1/analytics/summary", {401, 401, 200, 401, 401}},
      {"GET /api/v1/analytics/timeseries", {401, 401, 200, 401, 401}},
      {"POST /api/v1/admin/reload", {401, 401, 200, 401, 401}},
      {"POST /api/v1/admin/reindex", {401, 401, 202, 401, 401}},
      {"GET /api/v1/admin/reindex/{job}", {401, 401, 404, 401, 401}},
      {"GET /api/v1/admin/learned", {401, 401, 200, 401, 401}},
      {"POST /api/v1/admin/learned/reject", {401, 401, 400, 401, 401}},
      {"POST /api/v1/admin/learned/promote", {401, 401, 400, 401, 401}},
      {"GET /", {200, 200, 200, 401, 401}},
      {"GET /contact", {200, 200, 200, 401, 401}},
      {"POST /contact", {200, 200, 200, 401, 401}},
      {"GET /agent", {200, 200, 200, 401, 401}},
      {"GET /dashboard", {200, 200, 200, 401, 401}},
      {"GET /widgets/{path}", {404, 404, 404, 401, 401}},
  };
  ASSERT_EQ(expected.size(), api_->routes().size());
  for (const RouteSpec& route : api_->routes()) {
    const std::string row = std::string(route.method) + " " + std::string(route.pattern);
    ASSERT_TRUE(expected.contains(row)) << row;
    for (std::size_t column = 0; column < credentials.size(); ++column) {
      for (const Headers& headers : credentials[column].variants) {
        const HttpResponse r = Send(route.method, SamplePath(route), headers);
        EXPECT_EQ(r.status, expected.at(row)[column]) << row << " with " << credentials[column].name << ": " << r.body;
      }
    }
  }
}

TEST_F(RouteTableTest, ARouteWhoseSecretIsNotSetIsOff) {
  config_.ticket_secret.clear();
  Recreate();
  for (const RouteSpec& route : api_->routes()) {
    if (route.need != Access::kTicketSecret) continue;
    const HttpResponse r = Send(route.method, SamplePath(route), {{"x-webhook-secret", "hook-secret"}});
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, Error("not_found", "the ticket webhook is off: set [webhooks] ticket_secret in the config"));
  }
}

TEST_F(RouteTableTest, OnlyExemptRoutesAnswerAClientOverItsRateLimit) {
  config_.requests_per_second = 0.001;
  config_.burst = 1;
  Recreate();
  ASSERT_EQ(Send("GET", "/api/v1/search").status, 400);  // the one token
  for (const RouteSpec& route : api_->routes()) {
    const HttpResponse r = Send(route.method, SamplePath(route));
    if (route.limit == RateLimit::kExempt) {
      EXPECT_EQ(r.status, 200) << route.pattern;
    } else {
      EXPECT_EQ(r.status, 429) << route.pattern;
      EXPECT_EQ(r.body, Error("rate_limited", "too many requests; try again in " + r.Header("Retry-After") + " s"))
          << route.pattern;
    }
  }
  EXPECT_EQ(Send("GET", "/no/such/route").status, 429);
}

TEST_F(RouteTableTest, UnknownPathsAre404) {
  EXPECT_EQ(Send("GET", "/api/v1").body, Error("not_found", "no route /api/v1"));
  EXPECT_EQ(Send("GET", "/api/v1/search/").body, Error("not_found", "no route /api/v1/search/"));
  EXPECT_EQ(Send("DELETE", "/nope").body, Error("not_found", "no route /nope"));
  // An unknown key is refused before the path is looked at.
  EXPECT_EQ(Send("GET", "/nope", {{"authorization", "Bearer no-such-key"}}).status, 401);
}

}  // namespace
}  // namespace kb::api
