// The API as a function from request to response: no sockets.
#include "server/api/api.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "indexer/corpus/fields.h"
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

using json = nlohmann::json;

using testing::MakeArticle;

std::vector<Article> Corpus() {
  std::vector<Article> articles = {
      MakeArticle("reset-password", "en", "How do I reset my password?", "Choose **Forgot password** on the sign-in page."),
      MakeArticle("refund", "en", "Can I get a refund?", "Refunds are possible within 30 days.", "public", "billing"),
      MakeArticle("refund-limits", "en", "Refund approval limits", "Agents approve refund requests up to 200 USD.",
           "internal", "policies", "troubleshooting"),
      MakeArticle("reset-password", "de", "Passwort zurücksetzen", "Wählen Sie „Passwort vergessen“."),
  };
  articles[0].tags = {"login", "password"};
  articles[1].tags = {"payments"};
  articles[2].tags = {"payments", "approvals"};
  return articles;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = tmp_.path() + "/index";
    ASSERT_TRUE(BuildIndex(Corpus(), index_));
    testing::WriteFile(tmp_.path(), "widgets/index.html", "<h1>help</h1>");
    testing::WriteFile(tmp_.path(), "widgets/kb-search.js", "export {};");
    for (const char* page : {"contact", "contact-sent", "agent", "dashboard"}) {
      testing::WriteFile(tmp_.path(), std::string("widgets/") + page + ".html", std::string("<h1>") + page + "</h1>");
    }
    testing::WriteFile(tmp_.path(), "secret.txt", "do not serve");
    config_.index_path = index_;
    config_.events_path = tmp_.path() + "/events.sqlite";
    config_.widgets_dir = tmp_.path() + "/widgets";
    config_.dictionary_dir = "";  // not the machine's word lists
    config_.access_log = "";
    config_.agent_keys = {"agent-key-1"};
    config_.admin_keys = {"admin-key-1"};
    config_.allowed_origins = {"https://help.example.com"};
    config_.requests_per_second = 0;
    config_.max_query_chars = 40;
    config_.max_body_bytes = 64;
    Recreate();
  }

  void Recreate() {
    auto api = Api::Create(config_);
    ASSERT_TRUE(api.has_value()) << api.error().ToString();
    api_ = std::move(*api);
  }

  HttpResponse Get(std::string path, std::vector<std::pair<std::string, std::string>> params = {},
                   std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.params = std::move(params);
    r.headers = std::move(headers);
    r.client = "10.1.2.3";
    return api_->Handle(r);
  }

  HttpResponse Post(std::string path, std::string body, std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = "POST";
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.client = "10.1.2.3";
    return api_->Handle(r);
  }

  static json Body(const HttpResponse& r) { return json::parse(r.body); }

  static void ExpectError(const HttpResponse& r, int status, const std::string& code, const std::string& message) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(Body(r), (json{{"error", {{"code", code}, {"message", message}}}})) << r.body;
  }

  static std::vector<std::string> Ids(const HttpResponse& r) {
    std::vector<std::string> ids;
    const json body = Body(r);
    for (const auto& hit : body["results"]) ids.push_back(hit["id"]);
    return ids;
  }

  TempDir tmp_{"api"};
  std::string index_;
  ServerConfig config_;
  std::unique_ptr<Api> api_;
};

const std::map<std::string, std::string> kAgent = {{"authorization", "Bearer agent-key-1"}};

TEST_F(ApiTest, SearchAnswersTheDocumentedShape) {
  HttpResponse r = Get("/api/v1/search", {{"q", "reset password"}, {"locale", "en"}, {"facets", "*"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json body = Body(r);
  EXPECT_EQ(body["query"], "reset password");
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["page"], 1);
  EXPECT_EQ(body["per_page"], 10);
  EXPECT_TRUE(body["did_you_mean"].is_null());
  EXPECT_TRUE(body["took_ms"].is_number());
  EXPECT_EQ(body["query_id"].get<std::string>().size(), 32u);
  ASSERT_EQ(body["results"].size(), 1u);
  const json& hit = body["results"][0];
  EXPECT_EQ(hit["id"], "reset-password");
  EXPECT_EQ(hit["title"], "How do I reset my password?");
  EXPECT_EQ(hit["snippet"], "Choose Forgot <mark>password</mark> on the sign-in page.");
  EXPECT_EQ(hit["url"], "/api/v1/articles/reset-password?locale=en");
  EXPECT_EQ(hit["locale"], "en");
  EXPECT_EQ(hit["category"], "account");
  EXPECT_EQ(hit["type"], "faq");
  EXPECT_EQ(hit["updated"], "2026-01-02");
  EXPECT_EQ(hit["audience"], "public");
  EXPECT_TRUE(hit["score"].is_number());
  EXPECT_EQ(body["facets"], (json{{"category", {{"account", 1}}},
                                  {"type", {{"faq", 1}}},
                                  {"product", {{"web", 1}}},
                                  {"tags", {{"login", 1}, {"password", 1}}}}));
}

TEST_F(ApiTest, FacetsAreCountedOnlyWhenAsked) {
  using Params = std::vector<std::pair<std::string, std::string>>;
  const Params q = {{"q", "reset password"}, {"locale", "en"}};
  EXPECT_EQ(Body(Get("/api/v1/search", q))["facets"], json::object());
  auto with = [&](const std::string& facets) {
    Params p = q;
    p.emplace_back("facets", facets);
    return Body(Get("/api/v1/search", p))["facets"];
  };
  EXPECT_EQ(with(""), json::object());
  EXPECT_EQ(with("category"), (json{{"category", {{"account", 1}}}}));
  EXPECT_EQ(with("tags, type"), (json{{"type", {{"faq", 1}}}, {"tags", {{"login", 1}, {"password", 1}}}}));
  EXPECT_EQ(with("product,*"), with("category,type,product,tags"));
  EXPECT_EQ(with("*").size(), 4u);
  // The results are the same with and without them, from the cache or not.
  Params all = q;
  all.emplace_back("facets", "*");
  EXPECT_EQ(Body(Get("/api/v1/search", q))["results"], Body(Get("/api/v1/search", all))["results"]);
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"facets", "category,author"}}), 400, "invalid_parameter",
              "parameter 'facets' must list category, type, product or tags, or be '*'; got 'author'");
}

TEST_F(ApiTest, MisspelledWordsAreCorrectedAndSaidSo) {
  HttpResponse r = Get("/api/v1/search", {{"q", "Pasword rest?"}, {"locale", "en"}});
  ASSERT_EQ(r.status, 200);
  json body = Body(r);
  EXPECT_EQ(body["did_you_mean"], "password reset?");
  EXPECT_EQ(body["query"], "Pasword rest?");
  ASSERT_FALSE(body["results"].empty());
  EXPECT_EQ(body["results"][0]["id"], "reset-password");
  // Words the index knows are never "corrected".
  EXPECT_TRUE(Body(Get("/api/v1/search", {{"q", "refund"}}))["did_you_mean"].is_null());
}

TEST_F(ApiTest, EverySearchGetsItsOwnQueryId) {
  const auto a = Body(Get("/api/v1/search", {{"q", "refund"}}))["query_id"];
  const auto b = Body(Get("/api/v1/search", {{"q", "refund"}}))["query_id"];  // from the cache
  EXPECT_NE(a, b);
}

TEST_F(ApiTest, InternalArticlesNeverReachPublicRequests) {
  // Search, snippets and facets.
  HttpResponse pub = Get("/api/v1/search", {{"q", "refund approval agents"}, {"locale", "en"}, {"facets", "*"}});
  EXPECT_EQ(Ids(pub), (std::vector<std::string>{"refund"}));
  EXPECT_EQ(pub.body.find("200 USD"), std::string::npos);
  EXPECT_EQ(Body(pub)["facets"], (json{{"category", {{"billing", 1}}},
                                       {"type", {{"faq", 1}}},
                                       {"product", {{"web", 1}}},
                                       {"tags", {{"payments", 1}}}}));
  // Suggest.
  EXPECT_EQ(Body(Get("/api/v1/suggest", {{"q", "refund appr"}})), (json{{"suggestions", json::array()}}));
  // The article itself: 404, as if it did not exist.
  ExpectError(Get("/api/v1/articles/refund-limits"), 404, "not_found", "no article 'refund-limits'");

  HttpResponse agent =
      Get("/api/v1/search", {{"q", "refund approval agents"}, {"locale", "en"}, {"facets", "*"}}, kAgent);
  EXPECT_EQ(Ids(agent), (std::vector<std::string>{"refund-limits", "refund"}));
  EXPECT_EQ(Body(agent)["facets"]["category"], (json{{"billing", 1}, {"policies", 1}}));
  EXPECT_EQ(Body(agent)["facets"]["tags"], (json{{"approvals", 1}, {"payments", 2}}));
  EXPECT_EQ(Body(Get("/api/v1/suggest", {{"q", "refund appr"}}, kAgent))["suggestions"],
            (json::array({{{"text", "Refund approval limits"}, {"id", "refund-limits"}}})));
  HttpResponse article = Get("/api/v1/articles/refund-limits", {}, kAgent);
  EXPECT_EQ(article.status, 200);
  EXPECT_EQ(Body(article)["audience"], "internal");
}

TEST_F(ApiTest, AdminKeysSeeInternalArticlesToo) {
  HttpResponse r = Get("/api/v1/articles/refund-limits", {}, {{"authorization", "Bearer admin-key-1"}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(ApiTest, ArticleHasRenderedBodyAndMetadata) {
  HttpResponse r = Get("/api/v1/articles/reset-password", {{"locale", "de-AT"}});
  ASSERT_EQ(r.status, 200);
  json a = Body(r);
  EXPECT_EQ(a["locale"], "de");
  EXPECT_EQ(a["title"], "Passwort zurücksetzen");
  EXPECT_EQ(a["body_html"], "<p>Wählen Sie „Passwort vergessen“.</p>\n");
  EXPECT_EQ(a["url"], "/api/v1/articles/reset-password?locale=de");
  EXPECT_EQ(a["steps"], json::array());
}

TEST_F(ApiTest, SuggestCompletesTheLastWord) {
  HttpResponse r = Get("/api/v1/suggest", {{"q", "pass"}, {"locale", "en"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"suggestions", {{{"text", "How do I reset my password?"}, {"id", "reset-password"}}}}}));
  EXPECT_EQ(Body(Get("/api/v1/suggest", {{"q", ""}})), (json{{"suggestions", json::array()}}));
}

TEST_F(ApiTest, InvalidQuery) {
  ExpectError(Get("/api/v1/search"), 400, "invalid_query", "parameter 'q' is required");
  ExpectError(Get("/api/v1/search", {{"q", "  "}}), 400, "invalid_query",
              "parameter 'q' is empty: type a few words to search for");
}

TEST_F(ApiTest, QueryTooLong) {
  ExpectError(Get("/api/v1/search", {{"q", std::string(41, 'a')}}), 400, "query_too_long",
              "query is 41 characters long; the limit is 40");
  // Characters, not bytes: 40 Japanese characters are fine.
  std::string ja;
  for (int i = 0; i < 40; ++i) ja += "あ";
  EXPECT_EQ(Get("/api/v1/search", {{"q", ja}}).status, 200);
  ExpectError(Get("/api/v1/suggest", {{"q", std::string(41, 'a')}}), 400, "query_too_long",
              "query is 41 characters long; the limit is 40");
}

TEST_F(ApiTest, InvalidParameters) {
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"page", "0"}}), 400, "invalid_parameter",
              "parameter 'page' must be a whole number from 1 to 1000");
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"per_page", "51"}}), 400, "invalid_parameter",
              "parameter 'per_page' must be a whole number from 1 to 50");
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"per_page", "ten"}}), 400, "invalid_parameter",
              "parameter 'per_page' must be a whole number from 1 to 50");
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"channel", "email"}}), 400, "invalid_parameter",
              "parameter 'channel' must be 'widget', 'contact_form' or 'agent'");
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"locale", "not a locale"}}), 400, "invalid_parameter",
              "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'");
  ExpectError(Get("/api/v1/search", {{"q", "x"}, {"type", "howto"}}), 400, "invalid_parameter",
              "parameter 'type' must be 'faq' or 'troubleshooting'");
}

TEST_F(ApiTest, InvalidUtf8) {
  ExpectError(Get("/api/v1/search", {{"q", "caf\xE9"}}), 400, "invalid_utf8", "parameter 'q' is not valid UTF-8");
  ExpectError(Get("/api/v1/articles/\xFF"), 400, "invalid_utf8", "the path is not valid UTF-8");
}

TEST_F(ApiTest, BodyTooLarge) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/admin/reload";
  r.body = std::string(65, 'x');
  ExpectError(api_->Handle(r), 400, "body_too_large", "the body is 65 bytes; the limit is 64");
}

TEST_F(ApiTest, Unauthorized) {
  ExpectError(Get("/api/v1/search", {{"q", "x"}}, {{"authorization", "Bearer wrong"}}), 401, "unauthorized",
              "unknown API key");
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/admin/reload";
  ExpectError(api_->Handle(r), 401, "unauthorized", "this endpoint needs an admin key");
  r.headers = kAgent;
  ExpectError(api_->Handle(r), 401, "unauthorized", "this endpoint needs an admin key");
}

TEST_F(ApiTest, NotFound) {
  ExpectError(Get("/api/v2/search"), 404, "not_found", "no route /api/v2/search");
  ExpectError(Get("/api/v1/articles/nope"), 404, "not_found", "no article 'nope'");
}

TEST_F(ApiTest, MethodNotAllowed) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/search";
  HttpResponse res = api_->Handle(r);
  ExpectError(res, 405, "method_not_allowed", "POST /api/v1/search is not supported; use GET");
  EXPECT_EQ(res.Header("Allow"), "GET");
}

TEST_F(ApiTest, RateLimited) {
  config_.requests_per_second = 1;
  config_.burst = 3;
  Recreate();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}).status, 200);
  HttpResponse r = Get("/api/v1/search", {{"q", "refund"}});
  ExpectError(r, 429, "rate_limited", "too many requests; try again in 1 s");
  EXPECT_EQ(r.Header("Retry-After"), "1");
  EXPECT_EQ(Get("/healthz").status, 200);  // operations endpoints are never limited
}

TrustedProxies Trust(const char* block) { return TrustedProxies({*ParseCidrBlock(block)}); }

// The client hash of each line of the access log at `path`.
std::vector<std::string> LoggedClients(const std::string& path) {
  std::vector<std::string> clients;
  std::istringstream in(ReadFile(path).value_or(""));
  for (std::string line; std::getline(in, line);) clients.push_back(json::parse(line)["client"]);
  return clients;
}

TEST_F(ApiTest, BehindATrustedProxyEachClientHasItsOwnBucket) {
  config_.requests_per_second = 1;
  config_.burst = 2;
  config_.trusted_proxies = Trust("10.0.0.0/8");  // the requests' peer, 10.1.2.3, is a proxy
  config_.access_log = tmp_.path() + "/access.log";
  Recreate();
  const auto from = [](const char* address) { return std::map<std::string, std::string>{{"x-forwarded-for", address}}; };
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, from("203.0.113.1")).status, 200);
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, from("198.51.100.7, 203.0.113.1")).status, 200);
  ExpectError(Get("/api/v1/search", {{"q", "refund"}}, from("203.0.113.1")), 429, "rate_limited",
              "too many requests; try again in 1 s");
  // What a client puts left of the proxy's entry does not get it a new bucket.
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, from("192.0.2.99, 203.0.113.1")).status, 429);
  // Other clients behind the same proxy have buckets of their own, and so
  // has the proxy itself.
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, from("203.0.113.2")).status, 200);
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, {{"forwarded", "for=\"[2001:db8::7]:4711\""}}).status, 200);
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}).status, 200);
  api_->Flush();
  // The access log tells the clients apart, as hashes.
  const std::vector<std::string> clients = LoggedClients(config_.access_log);
  ASSERT_EQ(clients.size(), 7u);
  EXPECT_EQ(clients[0], clients[1]);
  EXPECT_EQ(clients[0], clients[3]);
  EXPECT_EQ(std::set<std::string>(clients.begin(), clients.end()).size(), 4u);
  const std::string log = ReadFile(config_.access_log).value_or("");
  for (const char* address : {"203.0.113", "198.51.100.7", "2001:db8", "10.1.2.3"}) {
    EXPECT_EQ(log.find(address), std::string::npos) << address;
  }
  EXPECT_EQ(api_->ClientOf(HttpRequest{.headers = from("203.0.113.1"), .client = "10.1.2.3"}), "203.0.113.1");
}

TEST_F(ApiTest, SpoofedForwardingHeadersFromAPeerThatIsNotTrustedAreIgnored) {
  config_.requests_per_second = 1;
  config_.burst = 2;
  config_.trusted_proxies = Trust("192.0.2.0/24");  // not the requests' peer, 10.1.2.3
  config_.access_log = tmp_.path() + "/access.log";
  Recreate();
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, {{"x-forwarded-for", "203.0.113.1"}}).status, 200);
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, {{"x-forwarded-for", "203.0.113.2"}}).status, 200);
  for (const std::map<std::string, std::string>& spoof :
       std::vector<std::map<std::string, std::string>>{{{"x-forwarded-for", "203.0.113.3"}},
                                                       {{"forwarded", "for=203.0.113.4"}},
                                                       {{"x-forwarded-for", "192.0.2.1"}},
                                                       {}}) {
    EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, spoof).status, 429);
  }
  api_->Flush();
  const std::vector<std::string> clients = LoggedClients(config_.access_log);
  ASSERT_EQ(clients.size(), 6u);
  EXPECT_EQ(std::set<std::string>(clients.begin(), clients.end()).size(), 1u);
  EXPECT_EQ(api_->ClientOf(HttpRequest{.headers = {{"x-forwarded-for", "203.0.113.1"}}, .client = "10.1.2.3"}),
            "10.1.2.3");
}

TEST_F(ApiTest, EveryResponseCarriesTheSecurityHeaders) {
  const std::string page_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
  const std::string other_policy = "default-src 'none'; frame-ancestors 'none'";
  auto expect = [](const HttpResponse& r, const std::string& policy, const std::string& what) {
    EXPECT_EQ(r.Header("Content-Security-Policy"), policy) << what;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(r.Header("Referrer-Policy"), "same-origin") << what;
  };
  for (const char* page : {"/", "/contact", "/agent", "/dashboard", "/widgets/index.html"}) {
    expect(Get(page), page_policy, page);
  }
  expect(Post("/contact", "subject=help"), page_policy, "POST /contact");
  expect(Get("/widgets/kb-search.js"), other_policy, "a script");
  expect(Get("/api/v1/search", {{"q", "refund"}}), other_policy, "a search");
  expect(Get("/api/v1/openapi.yaml"), other_policy, "openapi");
  expect(Get("/nope"), other_policy, "a 404");
  expect(Get("/widgets/missing.html"), other_policy, "a missing page's JSON 404");
  expect(Post("/api/v1/search", ""), other_policy, "a 405");
  HttpRequest pre;
  pre.method = "OPTIONS";
  pre.path = "/api/v1/search";
  expect(api_->Handle(pre), other_policy, "a preflight");

  // Who may frame the pages is a setting.
  config_.frame_ancestors = {"'self'", "https://help.example.com"};
  Recreate();
  EXPECT_EQ(Get("/").Header("Content-Security-Policy"),
            page_policy.substr(0, page_policy.size() - 6) + "'self' https://help.example.com");
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}).Header("Content-Security-Policy"), other_policy);
}

TEST_F(ApiTest, CorsFromTheAllowList) {
  HttpRequest pre;
  pre.method = "OPTIONS";
  pre.path = "/api/v1/search";
  pre.headers = {{"origin", "https://help.example.com"}, {"access-control-request-method", "GET"}};
  HttpResponse r = api_->Handle(pre);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "https://help.example.com");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(r.Header("Access-Control-Allow-Headers"), "Authorization, Content-Type");
  pre.headers["origin"] = "https://evil.example";
  r = api_->Handle(pre);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(Get("/api/v1/search", {{"q", "refund"}}, {{"origin", "https://help.example.com"}})
                .Header("Access-Control-Allow-Origin"),
            "https://help.example.com");
}

TEST_F(ApiTest, ServesWidgetsButNothingOutsideThem) {
  HttpResponse r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>help</h1>");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  r = Get("/widgets/kb-search.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  // The pages have short paths; the demo's contact form posts to its own.
  for (const char* page : {"contact", "agent", "dashboard"}) {
    r = Get(std::string("/") + page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, std::string("<h1>") + page + "</h1>");
  }
  EXPECT_EQ(Post("/contact", "subject=help").body, "<h1>contact-sent</h1>");
  EXPECT_EQ(Post("/agent", "").status, 405);
  EXPECT_EQ(Get("/agent.html").status, 404);
  for (const char* path : {"/widgets/../secret.txt", "/widgets/%2e%2e/secret.txt", "/widgets/..%2fsecret.txt",
                           "/widgets/./index.html", "/widgets/.hidden", "/widgets//etc/passwd", "/widgets/\\..\\secret.txt"}) {
    HttpResponse res = Get(path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body.find("do not serve"), std::string::npos) << path;
  }
}

// /readyz's answer without what depends on the clock: when the index was
// built (checked to be a time at most a minute ago) and its age.
json WithoutClock(json ready) {
  const std::int64_t now = NowMs();
  auto built = ParseTime(ready.value("built", ""));
  EXPECT_TRUE(built.has_value()) << ready.dump();
  if (built) {
    EXPECT_LE(*built, now);
    EXPECT_GT(*built, now - 60'000);
    EXPECT_EQ(ready["age_s"], (now - *built) / 1000);
  }
  ready.erase("built");
  ready.erase("age_s");
  return ready;
}

TEST_F(ApiTest, OperationsEndpoints) {
  EXPECT_EQ(Body(Get("/healthz")), (json{{"status", "ok"}}));
  // Without a key, the public articles are counted; with one, all.
  EXPECT_EQ(WithoutClock(Body(Get("/readyz"))),
            (json{{"status", "ready"}, {"generation", "gen-000001"}, {"revision", 1}, {"documents", 3}}));
  EXPECT_EQ(WithoutClock(Body(Get("/readyz", {}, {{"authorization", "Bearer agent-key-1"}}))),
            (json{{"status", "ready"}, {"generation", "gen-000001"}, {"revision", 1}, {"documents", 4}}));
  EXPECT_NE(Get("/metrics", {}, {{"authorization", "Bearer admin-key-1"}}).body.find("\nkb_index_documents 4\n"),
            std::string::npos);
  Get("/api/v1/search", {{"q", "refund"}});
  Get("/api/v1/search", {{"q", "Refund!"}});  // same words: a cache hit
  const std::string metrics = Get("/metrics").body;
  EXPECT_NE(metrics.find("kb_http_requests_total{route=\"search\",status=\"200\"} 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("kb_search_cache_hits_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("kb_search_cache_misses_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("kb_index_documents 3\n"), std::string::npos);
  EXPECT_NE(metrics.find("kb_index_generation_info{generation=\"gen-000001\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("kb_index_revision 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nkb_index_age_seconds "), std::string::npos);
  EXPECT_NE(metrics.find("kb_http_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"} 2\n"), std::string::npos);
  HttpResponse openapi = Get("/api/v1/openapi.yaml");
  EXPECT_EQ(openapi.content_type, "application/yaml");
  EXPECT_EQ(openapi.body.rfind("openapi: 3.0.3\n", 0), 0u);
}

TEST_F(ApiTest, AdminReloadSwitchesToTheNewGenerationAndClearsTheCache) {
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "refund"}, {"locale", "en"}})), (std::vector<std::string>{"refund"}));
  std::vector<Article> more = Corpus();
  more.push_back(MakeArticle("refund-timing", "en", "When will my refund arrive?", "Refunds take 5 days."));
  ASSERT_TRUE(BuildIndex(more, index_));
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/admin/reload";
  r.headers = {{"authorization", "Bearer admin-key-1"}};
  HttpResponse res = api_->Handle(r);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res), (json{{"status", "reloaded"}, {"generation", "gen-000002"}, {"documents", 5}}));
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "refund"}, {"locale", "en"}})),
            (std::vector<std::string>{"refund-timing", "refund"}));  // the shorter article first
}

class EventsApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    config_.max_body_bytes = 256 * 1024;
    config_.ticket_secret = "hook-secret";
    Recreate();
  }
  static json View(const std::string& id, const std::string& session, const std::string& article = "refund") {
    return {{"event_id", id}, {"type", "view"}, {"session_id", session}, {"channel", "widget"}, {"article_id", article}};
  }
  json Summary(std::vector<std::pair<std::string, std::string>> params = {}) {
    HttpResponse r = Get("/api/v1/analytics/summary", std::move(params), kAdmin);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
  const std::map<std::string, std::string> kAdmin = {{"authorization", "Bearer admin-key-1"}};
};

TEST_F(EventsApiTest, StoresABatchAndIgnoresResends) {
  const std::string batch = json{{"events", {View("e1", "s1"), View("e2", "s2")}}}.dump();
  HttpResponse r = Post("/api/v1/events", batch);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Body(r), (json{{"accepted", 2}, {"duplicates", 0}}));
  r = Post("/api/v1/events", batch);  // a retried beacon
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(Body(r), (json{{"accepted", 0}, {"duplicates", 2}}));
  EXPECT_EQ(*api_->events().Count(), 2);
  EXPECT_EQ(Summary()["help_sessions"], 2);
}

TEST_F(EventsApiTest, ABadEventRefusesTheWholeBatch) {
  json bad = View("e2", "s1");
  bad.erase("article_id");
  json worse = View("e3", "s1");
  worse["type"] = "purchase";
  HttpResponse r = Post("/api/v1/events", json{{"events", {View("e1", "s1"), bad, worse}}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r), (json{{"error",
                            {{"code", "invalid_events"},
                             {"message", "no event was stored: event 1: 'article_id' is required for a view event "
                                         "(and 1 more problems)"},
                             {"details",
                              {{{"index", 1}, {"message", "'article_id' is required for a view event"}},
                               {{"index", 2},
                                {"message", "unknown type 'purchase': use search, click, view, vote, resolve, "
                                            "escalate or use"}}}}}}}));
  EXPECT_EQ(*api_->events().Count(), 0);  // not even the valid first event
  r = Post("/api/v1/events", "not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["message"], "no event was stored: the body is not valid JSON");
  EXPECT_EQ(Body(r)["error"]["details"], (json::array({{{"index", nullptr}, {"message", "the body is not valid JSON"}}})));
  ExpectError(Get("/api/v1/events"), 405, "method_not_allowed", "GET /api/v1/events is not supported; use POST");
}

TEST_F(EventsApiTest, SearchesWithASessionAreLogged) {
  HttpResponse search = Get("/api/v1/search", {{"q", "Refund "}, {"locale", "en"}, {"session_id", "s1"}});
  ASSERT_EQ(search.status, 200);
  const std::string query_id = Body(search)["query_id"];
  Get("/api/v1/search", {{"q", "frobnicate"}, {"session_id", "s2"}, {"channel", "contact_form"}});
  Get("/api/v1/search", {{"q", "refund"}});  // no session: not logged
  Get("/api/v1/search", {{"q", "refund"}, {"session_id", "agent-1"}}, {{"authorization", "Bearer agent-key-1"}});
  const json click = {{"event_id", "c1"}, {"type", "click"},      {"session_id", "s1"}, {"channel", "widget"},
                      {"query_id", query_id}, {"article_id", "refund"}, {"position", 1}};
  ASSERT_EQ(Post("/api/v1/events", json{{"events", {click}}}.dump()).status, 202);
  const json s = Summary();
  EXPECT_EQ(s["help_sessions"], 2);
  EXPECT_EQ(s["searches"], 2);
  EXPECT_EQ(s["search_ctr"], 0.5);
  EXPECT_EQ(s["zero_result_rate"], 0.5);
  EXPECT_EQ(s["no_click_rate"], 0.0);
  EXPECT_EQ(s["top_queries"][0]["query"], "frobnicate");  // ties by text
  EXPECT_EQ(s["top_queries"][1]["query"], "refund");
  EXPECT_EQ(s["content_gaps"], (json::array({{{"query", "frobnicate"},
                                              {"searches", 1},
                                              {"clicks", 0},
                                              {"zero_result_searches", 1},
                                              {"no_click_searches", 0}}})));
  EXPECT_EQ(s["agent_usage"]["lookups"], 1);  // an agent key's search is an agent lookup
  EXPECT_EQ(Summary({{"channel", "contact_form"}})["searches"], 1);
  ExpectError(Get("/api/v1/search", {{"q", "refund"}, {"session_id", "a b"}}), 400, "invalid_parameter",
              "parameter 'session_id' must be 1 to 128 of letters, digits and . _ : -");
}

TEST_F(EventsApiTest, TicketWebhookNeedsItsSecret) {
  const std::string body = R"({"session_id": "s1", "ticket_id": 77})";
  ExpectError(Post("/api/v1/webhooks/ticket", body), 401, "unauthorized", "the webhook secret is missing or wrong");
  ExpectError(Post("/api/v1/webhooks/ticket", body, {{"authorization", "Bearer admin-key-1"}}), 401, "unauthorized",
              "the webhook secret is missing or wrong");
  HttpResponse r = Post("/api/v1/webhooks/ticket", body, {{"authorization", "Bearer hook-secret"}});
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Body(r), (json{{"accepted", 1}, {"duplicates", 0}}));
  r = Post("/api/v1/webhooks/ticket", body, {{"x-webhook-secret", "hook-secret"}});
  EXPECT_EQ(Body(r), (json{{"accepted", 0}, {"duplicates", 1}}));  // the same ticket again
  r = Post("/api/v1/webhooks/ticket", "{}", {{"x-webhook-secret", "hook-secret"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["message"], "'session_id' is required");
  // A help session that ended in a ticket is escalated.
  ASSERT_EQ(Post("/api/v1/events", json{{"events", {View("e1", "s1")}}}.dump()).status, 202);
  ASSERT_EQ(Post("/api/v1/webhooks/ticket", R"({"session_id": "s1", "ticket_id": 78})",
                 {{"x-webhook-secret", "hook-secret"}}).status, 202);
  EXPECT_EQ(Summary()["escalated_sessions"], 1);

  config_.ticket_secret.clear();
  Recreate();
  ExpectError(Post("/api/v1/webhooks/ticket", body, {{"x-webhook-secret", "hook-secret"}}), 404, "not_found",
              "the ticket webhook is off: set [webhooks] ticket_secret in the config");
}

TEST_F(EventsApiTest, AnalyticsNeedsAnAdminKeyAndValidParameters) {
  ExpectError(Get("/api/v1/analytics/summary"), 401, "unauthorized", "this endpoint needs an admin key");
  ExpectError(Get("/api/v1/analytics/summary", {}, {{"authorization", "Bearer agent-key-1"}}), 401, "unauthorized",
              "this endpoint needs an admin key");
  ExpectError(Get("/api/v1/analytics/summary", {{"from", "last week"}}, kAdmin), 400, "invalid_parameter",
              "'from': 'last week' is not an ISO 8601 date or date-time such as 2026-11-23 or 2026-11-23T10:00:00Z");
  ExpectError(Get("/api/v1/analytics/timeseries", {{"metric", "mood"}}, kAdmin), 400, "invalid_parameter",
              "unknown metric 'mood': use one of deflection_rate, self_service_ratio, help_sessions, "
              "escalated_sessions, resolutions, searches, search_ctr, avg_click_position, zero_result_rate, "
              "no_click_rate");
  const json s = Summary({{"from", "2026-01-01"}, {"to", "2026-01-31"}});
  EXPECT_EQ(s["from"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(s["to"], "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(s["help_sessions"], 0);
  EXPECT_TRUE(s["deflection_rate"].is_null());
  EXPECT_EQ(s["attribution_window_seconds"], 86400);
  HttpResponse series = Get("/api/v1/analytics/timeseries",
                            {{"metric", "help_sessions"}, {"interval", "day"}, {"from", "2026-01-01"}, {"to", "2026-01-03"}},
                            kAdmin);
  ASSERT_EQ(series.status, 200) << series.body;
  EXPECT_EQ(Body(series), (json{{"metric", "help_sessions"},
                                {"interval", "day"},
                                {"from", "2026-01-01T00:00:00.000Z"},
                                {"to", "2026-01-04T00:00:00.000Z"},
                                {"points",
                                 {{{"start", "2026-01-01T00:00:00.000Z"}, {"value", 0.0}},
                                  {{"start", "2026-01-02T00:00:00.000Z"}, {"value", 0.0}},
                                  {{"start", "2026-01-03T00:00:00.000Z"}, {"value", 0.0}}}}}));
}

class ReindexApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    corpus_ = tmp_.path() + "/corpus";
    config_.corpus_path = corpus_;
    Recreate();
  }
  void WriteArticles(int n) {
    for (int i = 0; i < n; ++i) {
      testing::WriteFile(corpus_, fmt::format("en/misc/a{}.md", i),
                         testing::Article(fmt::format("a{}", i), fmt::format("Note {}", i), "About kangaroos."));
    }
  }
  HttpResponse Start(const std::string& query = "") {
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/admin/reindex";
    r.headers = kAdmin;
    if (!query.empty()) r.params = {{"full", query}};
    r.client = "10.1.2.3";
    return api_->Handle(r);
  }
  // Polls the job until it is no longer running.
  json Wait(const std::string& id) {
    json job;
    for (int i = 0; i < 1000; ++i) {
      job = Body(Get("/api/v1/admin/reindex/" + id, {}, kAdmin));
      if (job["status"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return job;
  }
  const std::map<std::string, std::string> kAdmin = {{"authorization", "Bearer admin-key-1"}};
  std::string corpus_;
};

TEST_F(ReindexApiTest, ReindexesTheCorpusInTheBackground) {
  WriteArticles(3);
  ExpectError(Post("/api/v1/admin/reindex", ""), 401, "unauthorized", "this endpoint needs an admin key");
  HttpResponse started = Start();
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = Body(started)["job"];
  EXPECT_EQ(Body(started)["url"], "/api/v1/admin/reindex/" + id);
  const json job = Wait(id);
  EXPECT_EQ(job["status"], "succeeded") << job;
  EXPECT_EQ(job["result"]["full"], false);  // the live index was updated in place
  EXPECT_EQ(job["result"]["added"], 3);
  EXPECT_EQ(job["result"]["deleted"], 4);  // the fixture's articles are not in this corpus
  EXPECT_EQ(job["progress"], (json{{"done", 3}, {"total", 3}}));
  EXPECT_TRUE(job["errors"].empty());
  // Searches see it at once: the job reloads the index when it is done.
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "kangaroos"}, {"per_page", "10"}})).size(), 3u);
  ExpectError(Get("/api/v1/admin/reindex/nope", {}, kAdmin), 404, "not_found", "no reindex job 'nope'");
  ExpectError(Start("maybe"), 400, "invalid_parameter", "parameter 'full' must be 'true' or 'false'");
}

TEST_F(ReindexApiTest, OneJobAtATime) {
  WriteArticles(1500);
  HttpResponse first = Start("true");
  ASSERT_EQ(first.status, 202);
  HttpResponse second = Start();
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(Body(second)["error"]["code"], "conflict");
  EXPECT_EQ(Body(second)["error"]["message"],
            fmt::format("reindex job {} is still running; wait for it to finish", Body(first)["job"].get<std::string>()));
  const json job = Wait(Body(first)["job"]);
  EXPECT_EQ(job["status"], "succeeded");
  EXPECT_EQ(job["result"]["full"], true);
  EXPECT_EQ(job["result"]["generation"], "gen-000002");
  EXPECT_EQ(Start().status, 202);  // free again
}

TEST_F(ReindexApiTest, ABadCorpusFailsTheJobAndLeavesTheIndexAlone) {
  WriteArticles(2);
  testing::WriteFile(corpus_, "en/misc/bad.md", "---\ntitle: \"No id\"\n---\nBody.\n");
  const json job = Wait(Body(Start())["job"]);
  EXPECT_EQ(job["status"], "failed");
  ASSERT_EQ(job["errors"].size(), 1u) << job;
  EXPECT_EQ(job["errors"][0]["path"], corpus_ + "/en/misc/bad.md");
  EXPECT_EQ(job["errors"][0]["line"], 1);
  EXPECT_TRUE(job["result"].is_null());
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "refund"}})), (std::vector<std::string>{"refund"}));
}

TEST_F(ReindexApiTest, AnotherWriterMakesTheJobFailClearly) {
  WriteArticles(2);
  const int fd = ::open((index_ + "/.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // as a kb-index build would
  const json job = Wait(Body(Start())["job"]);
  ::close(fd);
  EXPECT_EQ(job["status"], "failed");
  EXPECT_EQ(job["errors"][0]["code"], "unavailable");
  EXPECT_EQ(job["errors"][0]["message"],
            "another build is writing this index (lock held on " + index_ + "/.lock); try again when it finishes");
}

TEST_F(ReindexApiTest, AnArticleWhoseEscapeMakesInvalidUtf8FailsTheJobWithItsLine) {
  WriteArticles(2);
  const std::string bad =
      testing::WriteFile(corpus_, "en/misc/escape.md", "---\nid: escape\ntitle: \"a\\N b\"\n---\nBody.\n");
  HttpResponse started = Start();
  ASSERT_EQ(started.status, 202) << started.body;
  const json job = Wait(Body(started)["job"]);
  EXPECT_EQ(job["status"], "failed");
  EXPECT_EQ(job["errors"], (json{{{"code", "invalid_argument"},
                                  {"path", bad},
                                  {"line", 3},
                                  {"message", "field 'title' is not valid UTF-8 (byte 0x85 at byte 2); YAML's \\N "
                                              "escape gives this byte: write \\u0085 instead"}}}))
      << job;
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "refund"}})), (std::vector<std::string>{"refund"}));
}

// An event store whose library throws: std::exceptions from Append, and
// something that is not one from Scan.
class ThrowingEventStore : public analytics::EventStore {
 public:
  Result<std::size_t> Append(std::vector<analytics::Event>) override {
    throw std::runtime_error("connection reset by peer");
  }
  void AppendLater(std::vector<analytics::Event>) override {}
  Result<void> Flush() override { return {}; }
  Result<void> Scan(std::int64_t, std::int64_t, const std::function<void(const analytics::Event&)>&,
                    Fields) override {
    throw 42;
  }
  Result<std::vector<analytics::SessionStart>> HelpSessions(const analytics::EventFilter&) override {
    return std::vector<analytics::SessionStart>();
  }
  Result<std::int64_t> Purge(std::int64_t) override { return 0; }
  Result<std::int64_t> Count() override { return 0; }
  const SipKey& ClientKey() const override { return key_; }
  Result<void> Reject(const std::string&, const std::string&, std::int64_t) override { return {}; }
  Result<std::vector<std::pair<std::string, std::string>>> Rejections() override {
    return std::vector<std::pair<std::string, std::string>>();
  }

 private:
  SipKey key_{};
};

// Whatever a handler's library throws becomes the API's 500, says nothing of
// itself to the client, is logged, and the server goes on.
TEST_F(ApiTest, AnExceptionInAHandlerIsA500AndTheServerGoesOn) {
  config_.access_log = tmp_.path() + "/access.log";
  config_.max_body_bytes = 1024;
  auto api = Api::Create(config_, std::make_unique<ThrowingEventStore>());
  ASSERT_TRUE(api.has_value()) << api.error().ToString();
  api_ = std::move(*api);
  ExpectError(Post("/api/v1/events", R"({"events":[{"event_id":"e1","type":"view","session_id":"s1",)"
                                     R"("channel":"widget","article_id":"refund"}]})"),
              500, "internal", "internal error");
  ExpectError(Get("/api/v1/analytics/summary", {}, {{"authorization", "Bearer admin-key-1"}}), 500, "internal",
              "internal error");
  EXPECT_EQ(Ids(Get("/api/v1/search", {{"q", "refund"}})), (std::vector<std::string>{"refund"}));
  api_->Flush();
  std::vector<json> problems;
  std::istringstream lines(*ReadFile(config_.access_log));
  for (std::string line; std::getline(lines, line);) {
    const json j = json::parse(line);
    if (j.contains("handler_error")) problems.push_back(j["handler_error"]);
  }
  EXPECT_EQ(problems, (std::vector<json>{"events: connection reset by peer",
                                         "analytics_summary: an exception of unknown type"}));
}

TEST(ApiCreateTest, MissingIndexIsAnError) {
  ServerConfig c;
  c.index_path = "/nonexistent/kb-index";
  auto api = Api::Create(c);
  ASSERT_FALSE(api.has_value());
  EXPECT_EQ(api.error().message(), "no index at /nonexistent/kb-index: build one with 'kb-index build'");
}

TEST(ApiCreateTest, ABrokenWordListStopsTheStart) {
  TempDir tmp("api-create");
  ASSERT_TRUE(BuildIndex({testing::MakeArticle("a", "en", "Title", "Body.")}, tmp.path() + "/index"));
  const std::string list = testing::WriteFile(tmp.path(), "dict/american-english", "fine\nbro\xffken\n");
  ServerConfig c;
  c.index_path = tmp.path() + "/index";
  c.events_path = tmp.path() + "/events.sqlite";
  c.access_log = "";
  c.dictionary_dir = tmp.path() + "/dict";
  auto api = Api::Create(c);
  ASSERT_FALSE(api.has_value());
  EXPECT_EQ(api.error().ToString(), list + ":2: error: invalid UTF-8 in word list");
  c.dictionary_dir = tmp.path() + "/no-such-dir";  // no word list: correction works without one
  EXPECT_TRUE(Api::Create(c).has_value());
}

}  // namespace
}  // namespace kb::api
