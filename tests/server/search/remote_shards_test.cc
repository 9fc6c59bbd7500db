// Shards that xapian-tcpsrv serves, searched over loopback with the local
// lexicon, rank exactly as one index of the same articles; a shard that
// stops answering gives kUnavailable, or results flagged as partial, within
// the timeout; a shard that comes back, or a connection that xapian-tcpsrv
// closed for idleness, is connected to again.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "indexer/writer/index_writer.h"
#include <nlohmann/json.hpp>

#include "server/api/api.h"
#include "server/api/config.h"
#include "server/search/searcher.h"
#include "tests/server/search/shard_comparison.h"
#include "server/search/shards.h"
#include "bench/peer/free_port.h"
#include "tests/server/http/kb_server_process.h"

namespace kb::search {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kShards = 3;

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// driftbox-en built as one index and as kShards shards, each shard served
// by an xapian-tcpsrv of its own on loopback.
class RemoteShardsTest : public ::testing::Test {
 protected:
  // Every server ends with its group, however the test ends. SIGKILL, not
  // SIGTERM: xapian-tcpsrv's SIGTERM handler signals the server's group and
  // calls exit(), and a connection's child that is already exiting when the
  // signal arrives deadlocks in exit(), holding the test's output open.
  ~RemoteShardsTest() override {
    for (std::size_t k = 0; k < pids_.size(); ++k) {
      if (pids_[k] > 0) Kill(k);
    }
  }

  void SetUp() override {
    data_ = std::string(KB_SOURCE_DIR) + "/bench/data/driftbox-en";
    CorpusBuildOptions options;
    options.title_required = false;
    options.synonyms_dir = data_;
    options.index.full = true;
    auto built = BuildFromCorpus(data_ + "/corpus", tmp_.path() + "/one", options);
    ASSERT_TRUE(built.has_value()) << built.error().errors.front().ToString();
    options.shards = kShards;
    auto sharded = BuildFromCorpus(data_ + "/corpus", tmp_.path() + "/shards", options);
    ASSERT_TRUE(sharded.has_value()) << sharded.error().errors.front().ToString();
    for (std::size_t k = 0; k < kShards; ++k) {
      ports_.push_back(testing::FreePort());
      pids_.push_back(0);
      Serve(k);
    }
  }

  // Starts (again) the xapian-tcpsrv of shard k, with `extra` options.
  void Serve(std::size_t k, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", std::to_string(ports_[k]), "--interface", "127.0.0.1", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(ShardPath(tmp_.path() + "/shards", k));
    pids_[k] = testing::SpawnProgram("/usr/bin/xapian-tcpsrv", args, tmp_.path() + fmt::format("/tcpsrv-{}.err", k));
    for (int i = 0; i < 500 && !Accepts(ports_[k]); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(Accepts(ports_[k])) << testing::Slurp(tmp_.path() + fmt::format("/tcpsrv-{}.err", k));
  }

  // Ends shard k's server and the children serving its connections.
  void Kill(std::size_t k) {
    ::kill(-pids_[k], SIGKILL);
    ::waitpid(pids_[k], nullptr, 0);
    pids_[k] = 0;
    while (Accepts(ports_[k])) std::this_thread::sleep_for(10ms);
  }

  std::string Remote(std::size_t k) const { return fmt::format("tcp://127.0.0.1:{}", ports_[k]); }

  SearcherOptions RemoteOptions() const {
    SearcherOptions o{.index_paths = {LexiconPath(tmp_.path() + "/shards")}, .dictionary_dir = "/usr/share/dict"};
    for (std::size_t k = 0; k < kShards; ++k) o.index_paths.push_back(Remote(k));
    o.shard_timeout = 500ms;
    o.shard_health = std::make_shared<ShardHealth>(300ms);
    return o;
  }

  std::unique_ptr<Searcher> Open(const SearcherOptions& options) {
    auto s = Searcher::Open(options);
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  std::unique_ptr<Searcher> OpenOne() {
    return Open(SearcherOptions{.index_paths = {tmp_.path() + "/one"}, .dictionary_dir = "/usr/share/dict"});
  }

  TempDir tmp_{"remote-shards"};
  std::string data_;
  std::vector<int> ports_;
  std::vector<pid_t> pids_;
};

const SearchRequest kRequest{.query = "reset password", .locale = "en", .facets = true};

TEST_F(RemoteShardsTest, RankAsOneIndex) {
  auto one = OpenOne();
  auto remote = Open(RemoteOptions());
  ASSERT_TRUE(one && remote);
  EXPECT_EQ(remote->DocumentCount(), one->DocumentCount());
  EXPECT_EQ(remote->DocumentCount(Audience::kPublic), one->DocumentCount(Audience::kPublic));
  EXPECT_EQ(remote->ShardsDown(), 0);
  const std::vector<std::string> queries = Queries(data_ + "/queries.tsv");
  ASSERT_GT(queries.size(), 50u);
  int found = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const std::string& q = queries[i];
    for (const Audience audience : {Audience::kPublic, Audience::kAgent}) {
      // Some with explanations, whose documents are read from the shards
      // rather than from the lexicon's pages.
      const SearchRequest request{
          .query = q, .locale = "en", .audience = audience, .facets = true, .explain = i % 5 == 0};
      const auto a = one->Search(request);
      ASSERT_TRUE(a.has_value()) << q << ": " << a.error().ToString();
      EXPECT_EQ(Describe(remote->Search(request)), Describe(a)) << q;
      if (!a->hits.empty()) ++found;
      // Suggestions as the customer types, and the article each first hit opens.
      const SuggestRequest typed{.query = q.substr(0, 5), .locale = "en", .audience = audience};
      auto sa = one->Suggest(typed);
      auto sb = remote->Suggest(typed);
      ASSERT_TRUE(sa.has_value() && sb.has_value()) << q;
      ASSERT_EQ(sb->size(), sa->size()) << q;
      for (std::size_t i = 0; i < sa->size(); ++i) EXPECT_EQ((*sb)[i].id, (*sa)[i].id) << q;
      if (a->hits.empty()) continue;
      const ArticleRequest open{.id = a->hits.front().id, .locale = "en", .audience = audience};
      auto article = remote->GetArticle(open);
      ASSERT_TRUE(article.has_value()) << article.error().ToString();
      EXPECT_EQ(article->body_text, one->GetArticle(open)->body_text);
    }
  }
  EXPECT_GT(found, 50);
}

TEST_F(RemoteShardsTest, AShardThatStopsAnsweringGivesUnavailable) {
  auto one = OpenOne();
  auto remote = Open(RemoteOptions());
  ASSERT_TRUE(one && remote);
  ASSERT_EQ(Describe(remote->Search(kRequest)), Describe(one->Search(kRequest)));

  ::kill(-pids_[1], SIGSTOP);  // the server and the process serving this connection
  const std::string down = "unavailable: 1 of the index's 3 shards does not answer; try again in a few seconds";
  auto refused = remote->Search(kRequest);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().ToString(), down);
  EXPECT_EQ(remote->ShardsDown(), 1);
  // Until it is tried again, the others know at once.
  auto next = remote->Search(kRequest);
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(next.error().ToString(), down);
  auto other = Open(RemoteOptions());  // its own ShardHealth: finds out by itself, at the timeout
  ASSERT_TRUE(other);
  EXPECT_EQ(other->ShardsDown(), 1);
  auto suggest = other->Suggest(SuggestRequest{.query = "pass", .locale = "en"});
  ASSERT_FALSE(suggest.has_value());
  EXPECT_EQ(suggest.error().ToString(), down);
  auto article = other->GetArticle(ArticleRequest{.id = one->Search(kRequest)->hits.front().id, .locale = "en"});
  ASSERT_FALSE(article.has_value());
  EXPECT_EQ(article.error().ToString(), down);

  ::kill(-pids_[1], SIGCONT);  // back: searched again once its retry time comes
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(Describe(remote->Search(kRequest)), Describe(one->Search(kRequest)));
  EXPECT_EQ(remote->ShardsDown(), 0);
}

TEST_F(RemoteShardsTest, PartialResultsComeFromTheShardsThatAnswer) {
  auto one = OpenOne();
  SearcherOptions options = RemoteOptions();
  options.partial_results = true;
  auto remote = Open(options);
  ASSERT_TRUE(one && remote);
  EXPECT_EQ(Describe(remote->Search(kRequest)), Describe(one->Search(kRequest)));

  Kill(2);
  // What the lexicon and the other shards, opened locally, answer.
  auto rest = Open(SearcherOptions{.index_paths = {LexiconPath(tmp_.path() + "/shards"),
                                                   ShardPath(tmp_.path() + "/shards", 0),
                                                   ShardPath(tmp_.path() + "/shards", 1)},
                                   .dictionary_dir = "/usr/share/dict"});
  ASSERT_TRUE(rest);
  for (const std::string query : {"reset password", "sync error", "billing invoice"}) {
    const SearchRequest request{.query = query, .locale = "en", .facets = true};
    auto partial = remote->Search(request);
    ASSERT_TRUE(partial.has_value()) << partial.error().ToString();
    EXPECT_TRUE(partial->partial);
    auto expected = rest->Search(request);
    ASSERT_TRUE(expected.has_value());
    expected->partial = true;
    EXPECT_EQ(Describe(partial), Describe(expected)) << query;
  }
  EXPECT_EQ(remote->ShardsDown(), 1);

  Serve(2);  // restarted on its port: rejoins
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(Describe(remote->Search(kRequest)), Describe(one->Search(kRequest)));
  EXPECT_EQ(remote->ShardsDown(), 0);
}

TEST_F(RemoteShardsTest, ConnectionsClosedForIdlenessAreOpenedAgain) {
  for (std::size_t k = 0; k < kShards; ++k) {
    Kill(k);
    Serve(k, {"--idle-timeout", "200"});
  }
  auto one = OpenOne();
  auto remote = Open(RemoteOptions());
  ASSERT_TRUE(one && remote);
  const std::string expected = Describe(one->Search(kRequest));
  EXPECT_EQ(Describe(remote->Search(kRequest)), expected);
  std::this_thread::sleep_for(500ms);  // every connection closed by its server
  EXPECT_EQ(Describe(remote->Search(kRequest)), expected);
  EXPECT_EQ(remote->ShardsDown(), 0);
}

// kb-server's API over the shards, as [index] shards configures it.
class RemoteShardsApiTest : public RemoteShardsTest {
 protected:
  std::unique_ptr<api::Api> Create(bool partial) {
    api::ServerConfig config;
    config.index_path = tmp_.path() + "/shards";
    for (std::size_t k = 0; k < kShards; ++k) config.index_shards.push_back(Remote(k));
    config.shard_timeout = 500ms;
    config.shard_partial = partial;
    config.events_path = tmp_.path() + "/events.sqlite";
    config.access_log = "";
    config.admin_keys = {"admin-key-1"};
    config.requests_per_second = 0;
    auto a = api::Api::Create(config);
    EXPECT_TRUE(a.has_value()) << a.error().ToString();
    return a ? std::move(*a) : nullptr;
  }

  static api::HttpResponse Get(api::Api& a, const std::string& path, std::string query = "") {
    api::HttpRequest r{.method = "GET", .path = path, .client = "10.1.2.3"};
    if (!query.empty()) r.params = {{"q", std::move(query)}};
    return a.Handle(r);
  }

  static nlohmann::json Body(const api::HttpResponse& r) { return nlohmann::json::parse(r.body); }
};

TEST_F(RemoteShardsApiTest, SearchesTheShardsAndSaysWhenOneIsDown) {
  auto one = OpenOne();
  auto server = Create(/*partial=*/false);
  ASSERT_TRUE(one && server);
  auto res = Get(*server, "/api/v1/search", "reset password");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto expected = one->Search(SearchRequest{.query = "reset password", .locale = "en"});
  ASSERT_TRUE(expected.has_value());
  ASSERT_EQ(Body(res)["results"].size(), expected->hits.size());
  for (std::size_t i = 0; i < expected->hits.size(); ++i) EXPECT_EQ(Body(res)["results"][i]["id"], expected->hits[i].id);
  EXPECT_EQ(Body(res)["partial"], false);
  auto ready = Body(Get(*server, "/readyz"));
  EXPECT_EQ(ready["status"], "ready");
  EXPECT_EQ(ready["shards"], 3);
  EXPECT_EQ(ready["shards_down"], 0);
  EXPECT_EQ(ready["documents"], one->DocumentCount(Audience::kPublic));

  // The shards are rebuilt with kb-index, not by this server.
  api::HttpRequest reindex{.method = "POST", .path = "/api/v1/admin/reindex",
                           .headers = {{"authorization", "Bearer admin-key-1"}}, .client = "10.1.2.3"};
  auto refused = server->Handle(reindex);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(Body(refused)["error"]["message"],
            "this server searches remote shards, which it does not write: rebuild them with kb-index build --shards N, "
            "or set [index] primary to a server that does");

  Kill(1);
  res = Get(*server, "/api/v1/search", "sync error");  // not cached
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.Header("Retry-After"), "5");
  EXPECT_EQ(Body(res)["error"]["code"], "unavailable");
  EXPECT_EQ(Body(res)["error"]["message"], "1 of the index's 3 shards does not answer; try again in a few seconds");
  res = Get(*server, "/api/v1/suggest", "pass");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.Header("Retry-After"), "5");
  ready = Body(Get(*server, "/readyz"));
  EXPECT_EQ(ready["status"], "degraded");
  EXPECT_EQ(ready["reason"], "1 of the index's 3 shards does not answer");
  EXPECT_EQ(ready["shards_down"], 1);
  const std::string metrics = Get(*server, "/metrics").body;
  EXPECT_NE(metrics.find("\nkb_index_shards 3\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nkb_index_shards_down 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nkb_index_degraded 1\n"), std::string::npos);
}

TEST_F(RemoteShardsApiTest, PartialResultsAreFlaggedAndNotCached) {
  auto one = OpenOne();
  auto server = Create(/*partial=*/true);
  ASSERT_TRUE(one && server);
  const auto whole = one->Search(SearchRequest{.query = "reset password", .locale = "en"});
  ASSERT_TRUE(whole.has_value());
  auto ids = [](const nlohmann::json& body) {
    std::vector<std::string> out;
    for (const auto& r : body["results"]) out.push_back(r["id"]);
    return out;
  };
  std::vector<std::string> expected;
  for (const SearchHit& h : whole->hits) expected.push_back(h.id);
  Kill(0);
  auto res = Get(*server, "/api/v1/search", "reset password");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["partial"], true);
  EXPECT_LT(Body(res)["total"], whole->total_estimate);
  EXPECT_NE(ids(Body(res)), expected);
  Serve(0);
  // Once shard 0 is tried again (kShardRetry), the same search is whole:
  // the partial answer was not kept in the cache.
  std::this_thread::sleep_for(kShardRetry + 200ms);
  res = Get(*server, "/api/v1/search", "reset password");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["partial"], false);
  EXPECT_EQ(ids(Body(res)), expected);
  EXPECT_EQ(Body(Get(*server, "/readyz"))["shards_down"], 0);
}

TEST(ShardAddressTest, MalformedAddressesAreNamed) {
  auto ok = ParseShardAddress("tcp://10.0.0.7:7001");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->host, "10.0.0.7");
  EXPECT_EQ(ok->port, 7001u);
  auto v6 = ParseShardAddress("tcp://[::1]:65535");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535u);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"shards/0", "is not a tcp:// address"},
      {"tcp://[::1:7001", "has an unclosed '['"},
      {"tcp://:7001", "has no valid host"},
      {"tcp://a b:7001", "has no valid host"},
      {"tcp://host", "has no port"},
      {"tcp://host:", "has no port"},
      {"tcp://host:0", "has a port that is not from 1 to 65535"},
      {"tcp://host:65536", "has a port that is not from 1 to 65535"},
      {"tcp://host:70/x", "has a port that is not from 1 to 65535"},
  };
  for (const auto& [address, why] : bad) {
    auto r = ParseShardAddress(address);
    ASSERT_FALSE(r.has_value()) << address;
    EXPECT_EQ(r.error().ToString(), fmt::format("invalid_argument: shard '{}' {}: give tcp://host:port", address, why));
  }
  // A Searcher refuses one too.
  auto s = Searcher::Open(SearcherOptions{.index_paths = {"tcp://host"}});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ShardHealthTest, OneCallerRetriesADownShardPerRetryTime) {
  ShardHealth health(100ms);
  const std::string shard = "tcp://127.0.0.1:7001";
  EXPECT_TRUE(health.ShouldTry(shard));
  health.MarkDown(shard);
  EXPECT_TRUE(health.IsDown(shard));
  EXPECT_EQ(health.DownCount(), 1);
  EXPECT_FALSE(health.ShouldTry(shard));
  std::this_thread::sleep_for(120ms);
  EXPECT_TRUE(health.ShouldTry(shard));   // this one tries
  EXPECT_FALSE(health.ShouldTry(shard));  // the others wait
  health.MarkUp(shard);
  EXPECT_FALSE(health.IsDown(shard));
  EXPECT_EQ(health.DownCount(), 0);
  EXPECT_TRUE(health.ShouldTry(shard));
}

}  // namespace
}  // namespace kb::search
