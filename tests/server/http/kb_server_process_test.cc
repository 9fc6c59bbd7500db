// The kb-server executable as operators run it: flags, SIGTERM, kill -9.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <atomic>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "indexer/index_dir.h"
#include "indexer/writer/index_writer.h"
#include "bench/peer/free_port.h"
#include "bench/peer/postgres_cluster.h"
#include "tests/server/http/kb_server_process.h"
#include "tests/test_files.h"

namespace kb {
namespace {

using testing::Slurp;
using testing::Spawn;
using testing::WaitForPort;

// Builds a one-article index in `dir`.
void OneArticleIndex(const std::string& dir) {
  Article a;
  a.id = "reset-password";
  a.locale = "en";
  a.title = "Reset your password";
  ASSERT_TRUE(BuildIndex({a}, dir));
}

TEST(KbServerProcessTest, ServesAndStopsCleanlyOnSigterm) {
  TempDir tmp("kb-server");
  OneArticleIndex(tmp.path() + "/index");
  const std::string log = tmp.path() + "/access.log";
  testing::WriteFile(tmp.path(), "kb.toml", "[server]\naccess_log = \"" + log + "\"\nport = 0\n");
  const std::string err = tmp.path() + "/stderr";
  const pid_t pid = Spawn({"--config", tmp.path() + "/kb.toml", "--index", tmp.path() + "/index", "--events",
                           tmp.path() + "/events.sqlite"},
                          err);
  ASSERT_GT(pid, 0);

  // The port is chosen by the kernel and printed on stderr.
  const int port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/v1/search?q=password");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(Slurp(err).find("kb-server: stopped\n"), std::string::npos);
  // The access log was flushed on the way out, without the client address.
  const std::string lines = Slurp(log);
  EXPECT_NE(lines.find("\"path\":\"/api/v1/search\""), std::string::npos) << lines;
  EXPECT_EQ(lines.find("127.0.0.1"), std::string::npos) << lines;
}

TEST(KbServerProcessTest, BadFlagsExitWithUsage) {
  TempDir tmp("kb-server");
  const std::string err = tmp.path() + "/stderr";
  const pid_t pid = Spawn({"--port", "http"}, err);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(err), "kb-server: invalid_argument: --port must be a number from 0 to 65535, got 'http'\n"
                        "usage: kb-server --index DIR [--host 127.0.0.1] [--port 8080] [--events FILE] [--attribution-window 24h]\n"
                        "                 [--config FILE]\n"
                        "       kb-server report --events FILE [--from DATE] [--to DATE] [--locale L] [--channel C]\n"
                        "                 [--attribution-window 24h] [--format table|csv|json]\n"
                        "       kb-server backup --events FILE --to FILE\n");
}

TEST(KbServerProcessTest, AKeysFileThatCannotBeReadStopsTheStart) {
  TempDir tmp("kb-server");
  testing::WriteFile(tmp.path(), "kb.toml", "[auth]\nagent_keys_file = \"" + tmp.path() + "/agent.keys\"\n");
  const std::string err = tmp.path() + "/stderr";
  pid_t pid = Spawn({"--config", tmp.path() + "/kb.toml"}, err);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(err), "kb-server: not_found: [auth] agent_keys_file: cannot read " + tmp.path() +
                            "/agent.keys: No such file or directory\n");
  // A line that is not a key: path and line, not the line itself.
  testing::WriteFile(tmp.path(), "agent.keys", "# agents\ngood-key\nsecret key\n");
  pid = Spawn({"--config", tmp.path() + "/kb.toml"}, err);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(err), "kb-server: " + tmp.path() +
                            "/agent.keys:3: error: a key must be printable ASCII without spaces (the line is not shown)\n");
}

TEST(KbServerProcessTest, MissingIndexExitsWithAClearError) {
  TempDir tmp("kb-server");
  const std::string err = tmp.path() + "/stderr";
  const pid_t pid = Spawn({"--index", tmp.path() + "/none"}, err);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(err), "kb-server: not_found: no index at " + tmp.path() + "/none: build one with 'kb-index build'\n");
}

// A one-article index and a kb.toml with an admin key and no rate limit in
// `dir`; returns kb-server's arguments for them with the event store
// `events`.
std::vector<std::string> AdminServerArgs(const std::string& dir, const std::string& events) {
  OneArticleIndex(dir + "/index");
  testing::WriteFile(dir, "kb.toml",
                     "[server]\naccess_log = \"\"\nport = 0\n[auth]\nadmin_keys = [\"admin\"]\n"
                     "[rate_limit]\nrequests_per_second = 0\n");
  return {"--config", dir + "/kb.toml", "--index", dir + "/index", "--events", events};
}

// An event batch of `n` views, each in a session of its own, numbered from
// `first`.
std::string ViewBatch(int first, int n) {
  std::string body = "{\"events\":[";
  for (int i = 0; i < n; ++i) {
    body += fmt::format("{}{{\"event_id\":\"v{}\",\"type\":\"view\",\"session_id\":\"s{}\","
                        "\"channel\":\"widget\",\"article_id\":\"reset-password\"}}",
                        i == 0 ? "" : ",", first + i, first + i);
  }
  return body + "]}";
}

// Starts kb-server with `args` (stderr to `err`), reads its analytics
// summary with the admin key, and stops it; null when any step fails.
nlohmann::json SummaryOfAServer(const std::vector<std::string>& args, const std::string& err) {
  const pid_t pid = Spawn(args, err);
  nlohmann::json summary;
  if (const int port = WaitForPort(err); port > 0) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/api/v1/analytics/summary", {{"Authorization", "Bearer admin"}});
    if (res && res->status == 200) summary = nlohmann::json::parse(res->body);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  return summary;
}

// Kills kb-server (serving `dir`'s index, events in `events`) with
// SIGKILL the moment its last batch is acknowledged, and checks that a
// restarted server reports every acknowledged event.
void CheckAcknowledgedEventsSurviveKill9(const TempDir& tmp, const std::string& events) {
  const std::vector<std::string> args = AdminServerArgs(tmp.path(), events);
  std::string err = tmp.path() + "/stderr1";
  pid_t pid = Spawn(args, err);
  int port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);

  // Batches are posted from two clients at once; the server is killed
  // the moment the last one is acknowledged.
  constexpr int kBatches = 20, kPerBatch = 50;
  std::atomic<int> acknowledged{0};
  auto post = [&](int first, int step) {
    httplib::Client client("127.0.0.1", port);
    for (int b = first; b < kBatches; b += step) {
      auto res = client.Post("/api/v1/events", ViewBatch(b * kPerBatch, kPerBatch), "application/json");
      if (res && res->status == 202) acknowledged += kPerBatch;
    }
  };
  std::thread other(post, 1, 2);
  post(0, 2);
  other.join();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_EQ(acknowledged.load(), kBatches * kPerBatch);

  // Restarted on the same store, the server reports every one of them.
  const nlohmann::json summary = SummaryOfAServer(args, tmp.path() + "/stderr2");
  ASSERT_FALSE(summary.is_null()) << Slurp(tmp.path() + "/stderr2");
  EXPECT_EQ(summary["help_sessions"], kBatches * kPerBatch);
  EXPECT_EQ(summary["articles"][0]["views"], kBatches * kPerBatch);
}

TEST(KbServerProcessTest, AcknowledgedEventsSurviveKill9) {
  TempDir tmp("kb-server");
  CheckAcknowledgedEventsSurviveKill9(tmp, tmp.path() + "/events.sqlite");
}

TEST(KbServerProcessTest, AcknowledgedEventsSurviveKill9InPostgresql) {
  std::string why;
  auto pg = testing::Postgres::Start(&why);
  if (pg == nullptr) GTEST_SKIP() << why;
  TempDir tmp("kb-server");
  CheckAcknowledgedEventsSurviveKill9(tmp, pg->Url());
}

// Two replicas on one PostgreSQL: the events posted to each are in the
// summary of either. While PostgreSQL is away, events are answered 503
// with Retry-After and searches go on; when it is back, events are stored
// again without a restart.
TEST(KbServerProcessTest, ReplicasShareOnePostgresqlAndSurviveItsAbsence) {
  std::string why;
  auto pg = testing::Postgres::Start(&why);
  if (pg == nullptr) GTEST_SKIP() << why;
  TempDir tmp("kb-server");
  const std::vector<std::string> args = AdminServerArgs(tmp.path(), pg->Url());
  const std::string err_a = tmp.path() + "/stderr-a", err_b = tmp.path() + "/stderr-b";
  const pid_t a = Spawn(args, err_a);
  const pid_t b = Spawn(args, err_b);
  testing::StopOnExit stop{{a, b}};
  const int port_a = WaitForPort(err_a, a), port_b = WaitForPort(err_b, b);
  ASSERT_GT(port_a, 0) << Slurp(err_a);
  ASSERT_GT(port_b, 0) << Slurp(err_b);
  httplib::Client client_a("127.0.0.1", port_a), client_b("127.0.0.1", port_b);
  auto posted = client_a.Post("/api/v1/events", ViewBatch(0, 30), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202) << posted->body;
  posted = client_b.Post("/api/v1/events", ViewBatch(30, 12), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202) << posted->body;
  // A client's retry on the other replica is one event.
  posted = client_b.Post("/api/v1/events", ViewBatch(0, 1), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->body, R"({"accepted":0,"duplicates":1})");
  for (httplib::Client* client : {&client_a, &client_b}) {
    auto res = client->Get("/api/v1/analytics/summary", {{"Authorization", "Bearer admin"}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const nlohmann::json summary = nlohmann::json::parse(res->body);
    EXPECT_EQ(summary["help_sessions"], 42);
    EXPECT_EQ(summary["articles"][0]["views"], 42);
  }

  ASSERT_TRUE(pg->Stop());
  auto refused = client_a.Post("/api/v1/events", ViewBatch(100, 5), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "5");
  EXPECT_EQ(refused->body,
            R"({"error":{"code":"unavailable","message":"no event was stored: the event store is unavailable; try again"}})");
  auto search = client_a.Get("/api/v1/search?q=password");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_EQ(nlohmann::json::parse(search->body)["results"][0]["id"], "reset-password");

  ASSERT_TRUE(pg->Resume());
  auto stored = client_a.Post("/api/v1/events", ViewBatch(100, 5), "application/json");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, 202) << stored->body;
  auto res = client_b.Get("/api/v1/analytics/summary", {{"Authorization", "Bearer admin"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["help_sessions"], 47);
}

// A search's result ids on the server at `port`, or {"error"} when it
// fails.
std::vector<std::string> SearchIds(int port, const std::string& q) {
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/v1/search?locale=en&q=" + q);
  if (!res || res->status != 200) return {"error"};
  const nlohmann::json answer = nlohmann::json::parse(res->body);
  std::vector<std::string> ids;
  for (const auto& r : answer["results"]) ids.push_back(r["id"]);
  return ids;
}

// One indexer, one replica (docs/scaling.md): the indexer's kb-server
// builds, xapian-replicate-server serves its index, xapian-replicate keeps
// the replica's copy. A reindex asked of the replica runs once, on the
// indexer; the replica serves the change without building anything, and
// its /readyz names the same generation and revision as the indexer's.
TEST(KbServerProcessTest, AReplicaServesWhatItsIndexerBuildsAndPassesReindexOn) {
  for (const char* tool : {"/usr/bin/xapian-replicate", "/usr/bin/xapian-replicate-server"}) {
    if (!std::filesystem::exists(tool)) GTEST_SKIP() << tool << " is missing: scripts/bootstrap installs xapian-tools";
  }
  TempDir tmp("kb-cluster");
  const std::string corpus = tmp.path() + "/corpus", primary = tmp.path() + "/primary",
                    replica = tmp.path() + "/replica";
  testing::WriteFile(corpus, "en/reset-password.md",
                     "---\nid: reset-password\ntitle: Reset your password\n---\nChoose Forgot password.\n");
  ASSERT_TRUE(BuildFromCorpus(corpus, primary + "/index").has_value());
  testing::WriteFile(primary, "kb.toml",
                     fmt::format("[server]\naccess_log = \"\"\nport = 0\n[index]\npath = \"{0}/index\"\n"
                                 "corpus = \"{1}\"\n[events]\npath = \"{0}/events.sqlite\"\n[auth]\n"
                                 "admin_keys = [\"admin\"]\n[learning]\nenabled = false\n",
                                 primary, corpus));
  const std::string err_primary = tmp.path() + "/primary.err";
  // The indexer keeps changesets, so that the replica gets each change, not
  // a whole copy (set for it alone).
  ::setenv("XAPIAN_MAX_CHANGESETS", "10", 1);
  const pid_t indexer = Spawn({"--config", primary + "/kb.toml"}, err_primary);
  ::unsetenv("XAPIAN_MAX_CHANGESETS");
  testing::StopOnExit stop{{indexer}};
  const int primary_port = WaitForPort(err_primary, indexer);
  ASSERT_GT(primary_port, 0) << Slurp(err_primary);
  httplib::Client to_primary("127.0.0.1", primary_port);
  auto wait_for_job = [&](httplib::Client& client, const std::string& url) {
    nlohmann::json job = nlohmann::json::object();
    for (int i = 0; i < 500 && job.value("status", "running") == "running"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto res = client.Get(url, {{"Authorization", "Bearer admin"}});
      if (res && res->status == 200) job = nlohmann::json::parse(res->body);
    }
    return job;
  };

  const int replication_port = testing::FreePort();
  std::filesystem::create_directories(replica);
  stop.pids.push_back(testing::SpawnProgram("/usr/bin/xapian-replicate-server",
                                            {"-p", std::to_string(replication_port), primary},
                                            tmp.path() + "/replicate-server.err"));
  stop.pids.push_back(testing::SpawnProgram(
      "/usr/bin/xapian-replicate",
      {"-h", "127.0.0.1", "-p", std::to_string(replication_port), "-m", "index", "-i", "1", "-r", "0", "-q",
       replica + "/index"},
      tmp.path() + "/replicate.err"));
  for (int i = 0; i < 500 && !std::filesystem::exists(replica + "/index/XAPIANDB"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(std::filesystem::exists(replica + "/index/XAPIANDB")) << Slurp(tmp.path() + "/replicate.err");
  testing::WriteFile(replica, "kb.toml",
                     fmt::format("[server]\naccess_log = \"\"\nport = 0\n[index]\npath = \"{0}/index\"\n"
                                 "primary = \"http://127.0.0.1:{1}\"\n[events]\npath = \"{0}/events.sqlite\"\n"
                                 "[auth]\nadmin_keys = [\"admin\"]\n",
                                 replica, primary_port));
  const std::string err_replica = tmp.path() + "/replica.err";
  const pid_t server = Spawn({"--config", replica + "/kb.toml"}, err_replica);
  stop.pids.push_back(server);
  const int replica_port = WaitForPort(err_replica, server);
  ASSERT_GT(replica_port, 0) << Slurp(err_replica);
  EXPECT_EQ(SearchIds(replica_port, "password"), std::vector<std::string>{"reset-password"});
  EXPECT_EQ(SearchIds(replica_port, "zebra"), std::vector<std::string>{});

  // A new article, reindexed through the replica.
  testing::WriteFile(corpus, "en/zebra.md", "---\nid: zebra-mode\ntitle: Zebra mode\n---\nStripes on every page.\n");
  httplib::Client to_replica("127.0.0.1", replica_port);
  auto reindex = to_replica.Post("/api/v1/admin/reindex", {{"Authorization", "Bearer admin"}}, "", "application/json");
  ASSERT_TRUE(reindex);
  ASSERT_EQ(reindex->status, 202) << reindex->body;
  const nlohmann::json done = wait_for_job(to_replica, nlohmann::json::parse(reindex->body)["url"]);
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"]["added"], 1);
  EXPECT_EQ(done["result"]["full"], false);
  std::vector<std::string> found;
  for (int i = 0; i < 1000 && found != std::vector<std::string>{"zebra-mode"}; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    found = SearchIds(replica_port, "zebra");
  }
  EXPECT_EQ(found, std::vector<std::string>{"zebra-mode"}) << Slurp(tmp.path() + "/replicate.err");

  auto ready_of = [](httplib::Client& client) {
    auto res = client.Get("/readyz");
    return res ? nlohmann::json::parse(res->body) : nlohmann::json();
  };
  const nlohmann::json on_primary = ready_of(to_primary), on_replica = ready_of(to_replica);
  EXPECT_EQ(on_replica["generation"], on_primary["generation"]);
  EXPECT_EQ(on_replica["revision"], on_primary["revision"]);
  EXPECT_EQ(on_replica["built"], on_primary["built"]);
  EXPECT_EQ(on_replica["documents"], 2);
  // The replica built nothing: its directory is xapian-replicate's.
  for (const auto& entry : std::filesystem::directory_iterator(replica + "/index")) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "XAPIANDB" || index_dir::IsReplicaCopy(name)) << name;
  }
  // Its job ids are the indexer's: asking the indexer gives the same job.
  auto on_indexer = to_primary.Get(nlohmann::json::parse(reindex->body)["url"].get<std::string>(),
                                   {{"Authorization", "Bearer admin"}});
  ASSERT_TRUE(on_indexer);
  EXPECT_EQ(nlohmann::json::parse(on_indexer->body)["job"], done["job"]);
}

// `kb-server backup` copies the event store of a server that is serving
// and writing; a server started on the copy reports every event that was
// acknowledged before the backup began.
TEST(KbServerProcessTest, ABackupTakenWhileServingRestores) {
  TempDir tmp("kb-server");
  const std::string events = tmp.path() + "/events.sqlite";
  const std::string copy = tmp.path() + "/events-backup.sqlite";
  std::vector<std::string> args = AdminServerArgs(tmp.path(), events);
  std::string err = tmp.path() + "/stderr1";
  pid_t pid = Spawn(args, err);
  struct StopOnExit {  // a failed assertion leaves no server behind
    pid_t& pid;
    ~StopOnExit() {
      if (pid > 0) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
    }
  } stop{pid};
  int port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);
  std::atomic<int> acknowledged{0};
  std::atomic<bool> posting{true};
  std::thread poster([&] {
    httplib::Client client("127.0.0.1", port);
    for (int b = 0; posting.load() || b < 10; ++b) {
      auto res = client.Post("/api/v1/events", ViewBatch(b * 10, 10), "application/json");
      if (res && res->status == 202) acknowledged = (b + 1) * 10;
    }
  });
  while (acknowledged.load() < 100) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int before = acknowledged.load();
  const pid_t backup = Spawn({"backup", "--events", events, "--to", copy}, tmp.path() + "/backup.err",
                             tmp.path() + "/backup.out");
  int status = 0;
  ASSERT_EQ(waitpid(backup, &status, 0), backup);
  const int after = acknowledged.load();
  posting = false;
  poster.join();
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << Slurp(tmp.path() + "/backup.err");
  const std::string line = Slurp(tmp.path() + "/backup.out");
  const int copied = std::atoi(line.c_str() + line.find("events=") + 7);
  EXPECT_EQ(line, fmt::format("backup {} events={} bytes={}\n", copy, copied, std::filesystem::file_size(copy)));
  EXPECT_GE(copied, before);
  EXPECT_LE(copied, after);
  EXPECT_EQ(copied % 10, 0);  // whole batches only
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  pid = -1;

  args.back() = copy;
  const nlohmann::json summary = SummaryOfAServer(args, tmp.path() + "/stderr2");
  ASSERT_FALSE(summary.is_null()) << Slurp(tmp.path() + "/stderr2");
  EXPECT_EQ(summary["help_sessions"], copied);

  // Usage errors and a missing store.
  const pid_t bad = Spawn({"backup", "--events", events}, tmp.path() + "/bad.err");
  ASSERT_EQ(waitpid(bad, &status, 0), bad);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(Slurp(tmp.path() + "/bad.err"),
            "kb-server backup: --events FILE and --to FILE are required\nusage: kb-server backup --events FILE --to FILE\n");
  const pid_t none = Spawn({"backup", "--events", tmp.path() + "/none.sqlite", "--to", copy}, tmp.path() + "/none.err");
  ASSERT_EQ(waitpid(none, &status, 0), none);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(tmp.path() + "/none.err"), "kb-server backup: no event store at " + tmp.path() + "/none.sqlite\n");
}

// Sends `head_and_body` (a whole HTTP/1.1 request without "Connection" and
// "Host") to 127.0.0.1:`port` from the loopback address `source`, and
// returns the response's status and body, or {0, why}.
std::pair<int, std::string> SendFrom(const std::string& source, int port, const std::string& head,
                                     const std::string& body = "") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {0, "socket"};
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    close(fd);
    return {0, "cannot connect from " + source};
  }
  const std::string request = head + "Host: 127.0.0.1\r\nConnection: close\r\n" +
                              fmt::format("Content-Length: {}\r\n\r\n", body.size()) + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return {0, response};
  const std::size_t end_of_head = response.find("\r\n\r\n");
  return {std::atoi(response.c_str() + 9), end_of_head == std::string::npos ? "" : response.substr(end_of_head + 4)};
}

// Keys and client addresses are what the server must never write down:
// the test runs the real server with known keys, sends them (right and
// wrong) everywhere a key is read, from known addresses, directly and
// through a trusted proxy, and then reads every file the server wrote.
TEST(KbServerProcessTest, NoKeyAndNoClientAddressIsEverWrittenToALog) {
  TempDir tmp("kb-server");
  OneArticleIndex(tmp.path() + "/index");
  const std::string agent_key = "agent-key-7d1f3c9a5b", admin_key = "admin-key-2e8b6f4d0c";
  const std::string inline_agent_key = "inline-agent-key-4f0a", ticket_secret = "ticket-secret-9a4c1e7f";
  const std::string wrong_key = "wrong-key-5c3e8d1b";
  const std::string keys_dir = tmp.path() + "/keys";
  testing::WriteFile(keys_dir, "admin.keys", "# the admins\n" + admin_key + "\n");
  testing::WriteFile(tmp.path(), "corpus/en/account/reset-password.md",
                     testing::Article("reset-password", "Reset your password", "Choose Forgot password."));
  testing::WriteFile(tmp.path(), "corpus/en/account/broken.md", "---\nid: broken\n---\nno title\n");
  const std::string run = tmp.path() + "/run";  // everything the server writes
  std::filesystem::create_directories(run);
  testing::WriteFile(keys_dir, "kb.toml",
                     fmt::format("[server]\nport = 0\naccess_log = \"{0}/access.log\"\n"
                                 "trusted_proxies = [\"127.0.0.7\"]\n"
                                 "[index]\npath = \"{1}/index\"\ncorpus = \"{1}/corpus\"\n"
                                 "[events]\npath = \"{0}/events.sqlite\"\n"
                                 "[webhooks]\nticket_secret = \"{2}\"\n"
                                 "[auth]\nagent_keys = [\"{3}\"]\nadmin_keys_file = \"{4}/admin.keys\"\n",
                                 run, tmp.path(), ticket_secret, inline_agent_key, keys_dir));
  const std::string err = run + "/stderr", out = run + "/stdout";
  const pid_t pid = Spawn({"--config", keys_dir + "/kb.toml"}, err, out);
  ASSERT_GT(pid, 0);
  const int port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);

  const std::string direct = "127.0.0.9", proxy = "127.0.0.7";
  const std::string forwarded_v4 = "198.51.100.77", forwarded_v6 = "2001:db8::77";
  const auto bearer = [](const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; };
  const std::string via_proxy = "X-Forwarded-For: " + forwarded_v4 + "\r\n";
  const std::string via_forwarded = "Forwarded: for=\"[" + forwarded_v6 + "]:4711\"\r\n";
  const std::string search = "GET /api/v1/search?q=password HTTP/1.1\r\n";
  const std::string summary = "GET /api/v1/analytics/summary HTTP/1.1\r\n";
  const std::string ticket = R"({"session_id": "s1", "ticket_id": 7})";
  struct Case {
    std::string from, head, body;
    int status;
  };
  const std::vector<Case> cases = {
      {direct, search, "", 200},
      {direct, search + bearer(inline_agent_key), "", 200},
      {direct, search + bearer(admin_key), "", 200},
      {direct, search + bearer(wrong_key), "", 401},
      {direct, search + "Authorization: Basic " + admin_key + "\r\n", "", 401},
      {direct, search + "Authorization: " + agent_key + "\r\n", "", 401},
      {direct, "GET /api/v1/search?q=password&key=" + admin_key + "&api_key=" + wrong_key + " HTTP/1.1\r\n", "", 200},
      {direct, summary + bearer(inline_agent_key), "", 401},
      {direct, summary + bearer(admin_key), "", 200},
      {proxy, summary + via_proxy + bearer(admin_key), "", 200},
      {proxy, summary + via_forwarded + bearer(wrong_key), "", 401},
      {proxy, search + via_proxy + bearer(inline_agent_key), "", 200},
      {direct, "POST /api/v1/webhooks/ticket HTTP/1.1\r\n" + bearer(ticket_secret), ticket, 202},
      {proxy, "POST /api/v1/webhooks/ticket HTTP/1.1\r\n" + via_proxy + "X-Webhook-Secret: " + ticket_secret + "\r\n",
       ticket, 202},
      {direct, "POST /api/v1/webhooks/ticket HTTP/1.1\r\nX-Webhook-Secret: " + wrong_key + "\r\n", ticket, 401},
      {direct, "POST /api/v1/webhooks/ticket HTTP/1.1\r\n" + bearer(admin_key), ticket, 401},
      {direct, "POST /api/v1/events HTTP/1.1\r\n" + bearer(wrong_key),
       R"({"events": [{"event_id": "e1", "type": "view", "session_id": "s1", "channel": "widget", "article_id": "reset-password"}]})",
       401},
      {proxy, "POST /api/v1/admin/reload HTTP/1.1\r\n" + via_forwarded + bearer(admin_key), "", 200},
  };
  for (const Case& c : cases) {
    const auto [status, body] = SendFrom(c.from, port, c.head, c.body);
    EXPECT_EQ(status, c.status) << c.head << body;
  }
  // A reindex job, which fails on the broken article and says why.
  const auto [status, started] = SendFrom(proxy, port, "POST /api/v1/admin/reindex HTTP/1.1\r\n" + via_proxy + bearer(admin_key));
  ASSERT_EQ(status, 202) << started;
  const std::string job = nlohmann::json::parse(started)["job"];
  nlohmann::json state;
  int polls = 0;
  for (; polls < 500;) {
    ++polls;
    state = nlohmann::json::parse(
        SendFrom(direct, port, "GET /api/v1/admin/reindex/" + job + " HTTP/1.1\r\n" + bearer(admin_key)).second);
    if (state["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(state["status"], "failed") << state;
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int exit_status = 0;
  ASSERT_EQ(waitpid(pid, &exit_status, 0), pid);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << Slurp(err);

  // The access log has a line per request, and no file the server wrote
  // holds a key or an address of a client.
  const std::string log = Slurp(run + "/access.log");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), static_cast<long>(cases.size()) + 1 + polls) << log;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(run)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = Slurp(entry.path().string());
    for (const std::string& secret : {agent_key, admin_key, inline_agent_key, ticket_secret, wrong_key, direct, proxy,
                                      forwarded_v4, forwarded_v6}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << entry.path() << " holds " << secret;
    }
  }
  EXPECT_GE(files, 4) << "stdout, stderr, the access log and the event store";
  EXPECT_NE(log.find("\"route\":\"admin_reindex\""), std::string::npos) << log;
}

// A front-matter escape that yaml-cpp turns into invalid UTF-8 once made
// the reindex thread throw, and kb-server abort (status 134) after its 202.
// The job fails with the article's place, and the server keeps serving.
TEST(KbServerProcessTest, AReindexOfABadArticleFailsTheJobAndTheServerKeepsServing) {
  TempDir tmp("kb-server");
  OneArticleIndex(tmp.path() + "/index");
  const std::string bad =
      testing::WriteFile(tmp.path(), "corpus/en/misc/escape.md", "---\nid: escape\ntitle: \"a\\N b\"\n---\nBody.\n");
  testing::WriteFile(tmp.path(), "kb.toml",
                     "[server]\naccess_log = \"\"\nport = 0\n[auth]\nadmin_keys = [\"admin\"]\n"
                     "[index]\ncorpus = \"" + tmp.path() + "/corpus\"\n[rate_limit]\nrequests_per_second = 0\n");
  const std::string err = tmp.path() + "/stderr";
  const pid_t pid = Spawn({"--config", tmp.path() + "/kb.toml", "--index", tmp.path() + "/index", "--events",
                           tmp.path() + "/events.sqlite"},
                          err);
  const int port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);
  httplib::Client client("127.0.0.1", port);
  const httplib::Headers admin = {{"Authorization", "Bearer admin"}};
  auto started = client.Post("/api/v1/admin/reindex", admin, "", "text/plain");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string job = nlohmann::json::parse(started->body)["job"];
  nlohmann::json status;
  for (int i = 0; i < 1000; ++i) {
    auto res = client.Get("/api/v1/admin/reindex/" + job, admin);
    ASSERT_TRUE(res) << "kb-server died: " << Slurp(err);
    status = nlohmann::json::parse(res->body);
    if (status["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status["status"], "failed") << status;
  ASSERT_EQ(status["errors"].size(), 1u) << status;
  EXPECT_EQ(status["errors"][0]["path"], bad);
  EXPECT_EQ(status["errors"][0]["line"], 3);
  EXPECT_EQ(status["errors"][0]["message"],
            "field 'title' is not valid UTF-8 (byte 0x85 at byte 2); YAML's \\N escape gives this byte: write \\u0085 "
            "instead");
  auto search = client.Get("/api/v1/search?q=password");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFEXITED(wait_status)) << Slurp(err);
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
}

}  // namespace
}  // namespace kb
