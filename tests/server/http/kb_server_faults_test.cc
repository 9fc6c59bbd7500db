// Faults a real kb-server process survives: a full disk under the index or
// under the events, a read-only index directory, a damaged live generation,
// an events file that is locked or corrupt at start, and SIGTERM or kill -9
// under mixed load. Disks that fill up and directories that cannot be
// written are real: a small tmpfs mounted by the test (tests/tmpfs.h).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "indexer/build/build.h"
#include "indexer/index_dir.h"
#include "server/analytics/event_store.h"
#include "tests/server/analytics/sqlite_lock.h"
#include "tests/server/http/kb_server_process.h"
#include "tests/test_files.h"
#include "tests/tmpfs.h"

namespace kb {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::Slurp;
using testing::Spawn;
using testing::WaitForPort;

// The names in `dir`, sorted.
std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// A search response without what differs per request (its id and time).
json Results(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    j.erase("query_id");
    j.erase("took_ms");
  }
  return j;
}

// What /readyz answers while all is well, but for when the index was built
// and its age (see ReadyNow).
json Ready(const std::string& generation, std::uint64_t revision, int documents) {
  return {{"status", "ready"}, {"generation", generation}, {"revision", revision}, {"documents", documents}};
}

// /readyz's answer in `body` without what depends on the clock: the time
// the index was built, checked to be at most ten minutes ago, and its age.
json ReadyNow(const std::string& body) {
  json ready = json::parse(body);
  const std::int64_t now = NowMs();
  auto built = ParseTime(ready.value("built", ""));
  EXPECT_TRUE(built.has_value()) << body;
  if (built) {
    EXPECT_LE(*built, now);
    EXPECT_GT(*built, now - 600'000);
    EXPECT_LE(ready["age_s"].get<std::int64_t>(), (now - *built) / 1000);
  }
  ready.erase("built");
  ready.erase("age_s");
  return ready;
}

// The event ids stored in the SQLite file at `path`.
std::set<std::string> StoredEventIds(const std::string& path) {
  std::set<std::string> ids;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, "SELECT event_id FROM events",
        [](void* out, int, char** values, char**) {
          static_cast<std::set<std::string>*>(out)->insert(values[0]);
          return 0;
        },
        &ids, nullptr);
  }
  sqlite3_close(db);
  return ids;
}

// A batch of `n` view events with ids "PREFIX-0".."PREFIX-(n-1)".
std::string EventBatch(const std::string& prefix, int n) {
  std::string body = "{\"events\":[";
  for (int i = 0; i < n; ++i) {
    body += fmt::format("{}{{\"event_id\":\"{}-{}\",\"type\":\"view\",\"session_id\":\"s-{}-{}\","
                        "\"channel\":\"widget\",\"article_id\":\"refund\"}}",
                        i == 0 ? "" : ",", prefix, i, prefix, i);
  }
  return body + "]}";
}

std::vector<std::string> EventIds(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(fmt::format("{}-{}", prefix, i));
  return ids;
}

class KbServerFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(corpus_, "en/account/reset-password.md",
                       testing::Article("reset-password", "How do I reset my password?",
                                        "Use the reset link on the sign-in page."));
    testing::WriteFile(corpus_, "en/billing/refund.md",
                       testing::Article("refund", "Can I get a refund?", "Refunds within 30 days of purchase."));
    testing::WriteFile(corpus_, "en/billing/refund-status.md",
                       testing::Article("refund-status", "Where is my refund?", "A refund takes five days."));
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Starts kb-server on index_ and events_, built from the corpus and 400
  // more articles ("filler-N", about wombats), so that a reindex takes a
  // while.
  void StartOnALargerCorpus() {
    for (int i = 0; i < 400; ++i) {
      testing::WriteFile(corpus_, fmt::format("en/filler/filler-{}.md", i),
                         testing::Article(fmt::format("filler-{}", i), fmt::format("Wombat burrow {}", i),
                                          fmt::format("The wombat digs burrow {} under the hill.", i)));
    }
    ASSERT_NO_FATAL_FAILURE(Build(index_));
    ASSERT_TRUE(Start(index_, events_));
  }

  void Build(const std::string& index) {
    auto built = BuildFromCorpus(corpus_, index);
    ASSERT_TRUE(built.has_value()) << built.error().errors.front().ToString();
  }

  // Starts kb-server on `index` and `events`; false (with the reason
  // recorded) when it did not start listening.
  ::testing::AssertionResult Start(const std::string& index, const std::string& events) {
    testing::WriteFile(tmp_.path(), "kb.toml",
                       fmt::format("[server]\naccess_log = \"\"\nport = 0\ncache_entries = 0\n"
                                   "[index]\ncorpus = \"{}\"\n[auth]\nadmin_keys = [\"admin\"]\n"
                                   "[rate_limit]\nrequests_per_second = 0\n",
                                   corpus_));
    err_ = tmp_.path() + fmt::format("/stderr{}", ++starts_);
    pid_ = Spawn({"--config", tmp_.path() + "/kb.toml", "--index", index, "--events", events}, err_);
    port_ = WaitForPort(err_, pid_);
    if (port_ == 0) return ::testing::AssertionFailure() << "kb-server did not start: " << Slurp(err_);
    return ::testing::AssertionSuccess();
  }

  // Waits for kb-server to exit by itself (after `signal`, unless 0); its
  // wait status.
  int Stop(int signal = SIGTERM) {
    if (signal != 0) ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    return client;
  }

  httplib::Result Get(const std::string& path) const { return Client().Get(path); }

  httplib::Result Admin(const std::string& path) const {
    return Client().Post(path, {{"Authorization", "Bearer admin"}}, "", "application/json");
  }

  // Starts a reindex (full or not) and waits for its end; the job's status.
  json Reindex(bool full) const {
    auto started = Admin(fmt::format("/api/v1/admin/reindex?full={}", full ? "true" : "false"));
    if (!started || started->status != 202) return {{"start", started ? started->body : "no response"}};
    const std::string url = json::parse(started->body)["url"];
    for (int i = 0; i < 3000; ++i) {
      auto job = Client().Get(url, {{"Authorization", "Bearer admin"}});
      if (!job) return {{"status", "no response"}};
      json j = json::parse(job->body);
      if (j["status"] != "running") return j;
      std::this_thread::sleep_for(10ms);
    }
    return {{"status", "still running"}};
  }

  TempDir tmp_{"kb-server-faults"};
  const std::string corpus_ = tmp_.path() + "/corpus";
  const std::string index_ = tmp_.path() + "/index";
  const std::string events_ = tmp_.path() + "/events.sqlite";
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
  std::string err_;
};

// The index on a disk that fills up: reindex jobs, full or in place, fail
// with the reason, nothing of them is left, and the live index keeps
// answering as before; with room again, the next reindex goes through.
TEST_F(KbServerFaultTest, AFullIndexDiskFailsTheReindexAndTheLiveIndexKeepsServing) {
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp_.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string index = disk->path() + "/index";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  ASSERT_TRUE(Start(index, tmp_.path() + "/events.sqlite"));
  auto before = Get("/api/v1/search?q=refund");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);
  ASSERT_EQ(Results(before->body)["total"], 2) << before->body;
  ASSERT_TRUE(disk->Fill());

  json job = Reindex(/*full=*/true);
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["result"], nullptr);
  EXPECT_EQ(job["errors"], json::parse(fmt::format(
                               R"j([{{"path": null, "line": null, "code": "resource_exhausted", "message": )j"
                               R"j("cannot build index in {}/gen-000002: the disk is full (DatabaseError: Error )j"
                               R"j(writing to file (No space left on device))"}}])j",
                               index)));
  testing::WriteFile(corpus_, "en/billing/invoice.md",
                     testing::Article("invoice", "Where is my invoice?", "Under Billing, then Invoices."));
  job = Reindex(/*full=*/false);
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["errors"],
            json::parse(fmt::format(
                R"j([{{"path": null, "line": null, "code": "resource_exhausted", "message": )j"
                R"j("cannot update index {}: the disk is full (DatabaseError: Modifications failed (DatabaseError: )j"
                R"j(Error writing block 2 (No space left on device)), and couldn't open at the old revision: Error )j"
                R"j(writing to file)"}}])j",
                index)));

  // No half generation: the live one as it was, answering as before.
  EXPECT_EQ(Listing(index), (std::set<std::string>{".lock", "XAPIANDB", "gen-000001"}));
  for (int i = 0; i < 3; ++i) {
    auto after = Get("/api/v1/search?q=refund");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_EQ(Results(after->body), Results(before->body));
  }
  EXPECT_EQ(Results(Get("/api/v1/search?q=invoice")->body)["total"], 0);
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), Ready("gen-000001", 1, 3));

  disk->Unfill();
  job = Reindex(/*full=*/false);
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(job["result"]["added"], 1);
  EXPECT_EQ(Results(Get("/api/v1/search?q=invoice")->body)["total"], 1);
  const int status = Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The events on a disk that fills up: no batch is acknowledged that is not
// on disk, the refusal says why with its own code, searches keep
// answering, and every acknowledged event is in the file at the end.
TEST_F(KbServerFaultTest, AFullEventsDiskRefusesEventsAndSearchKeepsServing) {
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp_.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string index = tmp_.path() + "/index";
  const std::string events = disk->path() + "/events.sqlite";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  ASSERT_TRUE(Start(index, events));
  httplib::Client client = Client();
  std::set<std::string> acknowledged;
  int batch = 0;
  auto post = [&]() -> httplib::Result {
    const std::string prefix = fmt::format("b{}", batch++);
    auto res = client.Post("/api/v1/events", EventBatch(prefix, 20), "application/json");
    if (res && res->status == 202) {
      for (const std::string& id : EventIds(prefix, 20)) acknowledged.insert(id);
    }
    return res;
  };
  for (int i = 0; i < 5; ++i) {
    auto res = post();
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202) << res->body;
  }
  auto before = Get("/api/v1/search?q=refund");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);
  ASSERT_TRUE(disk->Fill());

  // What still fits in the pages the file has is stored and acknowledged;
  // the first batch that needs more is refused.
  httplib::Result refused = post();
  for (int tries = 0; tries < 100 && refused && refused->status == 202; ++tries) refused = post();
  ASSERT_TRUE(refused);
  const std::string full_body =
      R"j({"error":{"code":"storage_full","message":"no event was stored: the event store's disk is full"}})j";
  EXPECT_EQ(refused->status, 507);
  EXPECT_EQ(refused->body, full_body);
  const std::vector<std::string> lost = EventIds(fmt::format("b{}", batch - 1), 20);
  auto again = post();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 507);
  EXPECT_EQ(again->body, full_body);
  auto ticket = client.Post("/api/v1/events", EventBatch("single", 1), "application/json");
  ASSERT_TRUE(ticket);
  EXPECT_EQ(ticket->status, 507);

  auto during = Get("/api/v1/search?q=refund");
  ASSERT_TRUE(during);
  EXPECT_EQ(during->status, 200);
  EXPECT_EQ(Results(during->body), Results(before->body));
  EXPECT_EQ(Get("/api/v1/articles/refund")->status, 200);
  EXPECT_EQ(json::parse(Get("/readyz")->body)["status"], "ready");

  disk->Unfill();
  auto after = post();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 202) << after->body;
  const int status = Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::set<std::string> stored = StoredEventIds(events);
  EXPECT_EQ(stored, acknowledged);
  for (const std::string& id : lost) EXPECT_EQ(stored.count(id), 0u) << id;
}

// A read-only index directory serves (reading needs no write access), says
// at start that reindexing will fail, and reindex jobs fail with the reason.
TEST_F(KbServerFaultTest, AReadOnlyIndexDirectoryServesAndReindexFailsClearly) {
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp_.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string index = disk->path() + "/index";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  ASSERT_TRUE(disk->SetReadOnly(true));
  ASSERT_TRUE(Start(index, tmp_.path() + "/events.sqlite"));
  const std::string err = Slurp(err_);
  EXPECT_EQ(err.rfind("kb-server: warning: " + index +
                          " is not writable: Read-only file system; POST /api/v1/admin/reindex fails until it is\n"
                          "kb-server: serving " + index + " (3 articles, gen-000001) on http://127.0.0.1:",
                      0),
            0u)
      << err;
  auto search = Get("/api/v1/search?q=refund");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_EQ(Results(search->body)["total"], 2);

  const json expected = json::parse(fmt::format(
      R"j([{{"path": null, "line": null, "code": "failed_precondition", "message": )j"
      R"j("cannot open lock file {}/.lock: Read-only file system"}}])j",
      index));
  for (bool full : {false, true}) {
    json job = Reindex(full);
    EXPECT_EQ(job["status"], "failed") << job.dump();
    EXPECT_EQ(job["errors"], expected) << "full=" << full;
  }
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), Ready("gen-000001", 1, 3));
  const int status = Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(disk->SetReadOnly(false));
}

// A table of the live generation cut short while kb-server runs: it keeps
// answering from what it has open, /readyz and the metric say it is
// degraded and why, and a rebuild ends it.
TEST_F(KbServerFaultTest, ADamagedLiveGenerationKeepsServingAndReadyzSaysDegraded) {
  const std::string index = tmp_.path() + "/index";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  ASSERT_TRUE(Start(index, tmp_.path() + "/events.sqlite"));
  const std::vector<std::string> queries = {"refund", "password", "reset link", "five days"};
  std::vector<json> before;
  for (const std::string& q : queries) {
    auto res = Client().Get("/api/v1/search", httplib::Params{{"q", q}}, httplib::Headers{});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    before.push_back(Results(res->body));
  }
  auto article = Get("/api/v1/articles/refund");
  ASSERT_TRUE(article);
  ASSERT_EQ(article->status, 200);

  std::filesystem::resize_file(index + "/gen-000001/termlist.glass", 0);
  const json degraded = {
      {"status", "degraded"},
      {"reason",
       "cannot read index gen-000001: the index is damaged (DatabaseError: EOF reading block 0); serving "
       "gen-000001 as opened before"},
      {"generation", "gen-000001"},
      {"revision", 1},
      {"documents", 3}};
  json ready;
  for (int i = 0; i < 1000 && ready["status"] != "degraded"; ++i) {
    std::this_thread::sleep_for(10ms);
    ready = ReadyNow(Get("/readyz")->body);
  }
  EXPECT_EQ(ready, degraded);

  // Many clients at once share the Searchers the server has open.
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client = Client();
      for (int round = 0; round < 10; ++round) {
        const std::size_t q = static_cast<std::size_t>(t + round) % queries.size();
        auto res = client.Get("/api/v1/search", httplib::Params{{"q", queries[q]}}, httplib::Headers{});
        std::lock_guard<std::mutex> lock(mu);
        if (!res) {
          problems.push_back(fmt::format("{} {}: no response", t, round));
        } else if (res->status != 200 || Results(res->body) != before[q]) {
          problems.push_back(fmt::format("{} {}: {} {}", t, round, res->status, res->body));
        }
      }
    });
  }
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(problems, std::vector<std::string>{});
  auto again = Get("/api/v1/articles/refund");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, article->body);
  EXPECT_NE(Get("/metrics")->body.find("\nkb_index_degraded 1\n"), std::string::npos);
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), degraded);

  json job = Reindex(/*full=*/true);
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), Ready("gen-000002", 1, 3));
  EXPECT_NE(Get("/metrics")->body.find("\nkb_index_degraded 0\n"), std::string::npos);
  EXPECT_EQ(Results(Get("/api/v1/search?q=refund")->body), before[0]);
  const int status = Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// An events file another process holds a lock on, or one that is not
// readable, stops the start with the reason: a server that could not store
// events would refuse every one of them.
TEST_F(KbServerFaultTest, AnEventsFileLockedByAnotherProcessStopsTheStart) {
  const std::string index = tmp_.path() + "/index";
  const std::string events = tmp_.path() + "/events.sqlite";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  {
    auto store = analytics::OpenSqliteEventStore(events);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
  }
  {
    testing::SqliteLockHolder holder(events);
    ASSERT_TRUE(holder.locked());
    EXPECT_FALSE(Start(index, events));
    const int status = Stop(0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_EQ(Slurp(err_), "kb-server: unavailable: cannot open event store " + events +
                               ": another process holds a lock on it (database is locked)\n");
  }
  ASSERT_TRUE(Start(index, events));
  EXPECT_EQ(Get("/readyz")->status, 200);
  EXPECT_EQ(WEXITSTATUS(Stop()), 0);
}

TEST_F(KbServerFaultTest, ACorruptEventsFileStopsTheStart) {
  const std::string index = tmp_.path() + "/index";
  const std::string events = tmp_.path() + "/events.sqlite";
  ASSERT_NO_FATAL_FAILURE(Build(index));
  {
    auto store = analytics::OpenSqliteEventStore(events);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    std::vector<analytics::Event> many;
    for (int i = 0; i < 2000; ++i) {
      analytics::Event e;
      e.event_id = fmt::format("e{}", i);
      e.type = analytics::EventType::kView;
      e.session_id = fmt::format("s{}", i);
      e.channel = analytics::Channel::kWidget;
      e.time_ms = 1'793'491'200'000 + i;
      e.article_id = "refund";
      many.push_back(std::move(e));
    }
    ASSERT_TRUE((*store)->Append(std::move(many)).has_value());
  }
  std::filesystem::resize_file(events, std::filesystem::file_size(events) / 2);
  EXPECT_FALSE(Start(index, events));
  int status = Stop(0);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(err_), "kb-server: data_loss: event store " + events +
                             " is corrupt (database disk image is malformed): restore it from a backup, or move it "
                             "away to start an empty one\n");

  testing::WriteFile(tmp_.path(), "events.sqlite", std::string(4096, 'x'));
  EXPECT_FALSE(Start(index, events));
  status = Stop(0);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(err_), "kb-server: data_loss: " + events +
                             " is not a kbsearch event store: event store: file is not a database\n");
}

// Searches, suggestions, article lookups and event batches from several
// clients at once, until told to stop or the server is gone. What each
// got back is kept: every event id acknowledged (202), and every answer
// that was neither a success nor, after the server was told to go, a
// refused or closed connection.
class MixedLoad {
 public:
  explicit MixedLoad(int port) : port_(port) {
    for (int t = 0; t < 2; ++t) threads_.emplace_back([this, t] { Read(t); });
    threads_.emplace_back([this] { Write(); });
  }
  ~MixedLoad() { Join(); }

  // From now on a failed connection is expected.
  void ServerGoes() { going_ = true; }

  void Join() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  // Waits until at least `n` requests were answered.
  bool WaitForAnswers(int n) const {
    for (int i = 0; i < 3000 && answered_ < n; ++i) std::this_thread::sleep_for(1ms);
    return answered_ >= n;
  }

  std::set<std::string> acknowledged() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acknowledged_;
  }
  std::vector<std::string> problems() const {
    std::lock_guard<std::mutex> lock(mu_);
    return problems_;
  }

 private:
  // Whether to go on after `res`.
  bool Check(const httplib::Result& res, int expected, const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!res) {
      if (!going_) problems_.push_back(what + ": " + httplib::to_string(res.error()));
      return false;
    }
    if (res->status != expected) problems_.push_back(fmt::format("{}: {} {}", what, res->status, res->body));
    ++answered_;
    return true;
  }

  void Read(int t) {
    httplib::Client client("127.0.0.1", port_);
    for (int round = 0; !stop_; ++round) {
      const std::string what = fmt::format("reader {} round {}", t, round);
      const char* const paths[] = {"/api/v1/search?q=refund", "/api/v1/suggest?q=ref", "/api/v1/articles/refund",
                                   "/api/v1/search?q=reset%20password"};
      if (!Check(client.Get(paths[round % 4]), 200, what)) return;
    }
  }

  void Write() {
    httplib::Client client("127.0.0.1", port_);
    for (int batch = 0; !stop_; ++batch) {
      const std::string prefix = fmt::format("load{}", batch);
      auto res = client.Post("/api/v1/events", EventBatch(prefix, 10), "application/json");
      if (!Check(res, 202, "events " + prefix)) return;
      std::lock_guard<std::mutex> lock(mu_);
      if (res->status == 202) {
        for (const std::string& id : EventIds(prefix, 10)) acknowledged_.insert(id);
      }
    }
  }

  const int port_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> going_{false};
  std::atomic<int> answered_{0};
  mutable std::mutex mu_;
  std::set<std::string> acknowledged_;
  std::vector<std::string> problems_;
  std::vector<std::thread> threads_;
};

// A request whose body is still arriving when SIGTERM comes: raw bytes on
// a socket, sent in two halves.
class HalfSentRequest {
 public:
  HalfSentRequest(int port, std::string body) : body_(std::move(body)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    Send(fmt::format("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                     body_.size(), body_.substr(0, body_.size() / 2)));
  }
  ~HalfSentRequest() { ::close(fd_); }

  // Sends the rest of the body; the whole response, until the server
  // closes the connection.
  std::string Finish() {
    Send(body_.substr(body_.size() / 2));
    std::string response;
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, static_cast<std::size_t>(n));
    return response;
  }

  bool connected() const { return connected_; }

 private:
  void Send(const std::string& bytes) { (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  int fd_ = -1;
  bool connected_ = false;
  std::string body_;
};

// SIGTERM while searches, events, a reindex and a half-sent request are in
// flight: each of them is finished, every acknowledged event is stored,
// the process exits 0, and the index directory serves on restart.
TEST_F(KbServerFaultTest, SigtermUnderMixedLoadFinishesWhatIsInFlightAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartOnALargerCorpus());
  const json before = Results(Get("/api/v1/search?q=refund")->body);

  MixedLoad load(port_);
  ASSERT_TRUE(load.WaitForAnswers(50));
  HalfSentRequest in_flight(port_, EventBatch("in-flight", 1));
  ASSERT_TRUE(in_flight.connected());
  auto reindex = Admin("/api/v1/admin/reindex?full=true");
  ASSERT_TRUE(reindex);
  ASSERT_EQ(reindex->status, 202);
  std::this_thread::sleep_for(200ms);  // the half-sent request's head has come

  load.ServerGoes();
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  std::this_thread::sleep_for(100ms);  // the listener closes
  const std::string response = in_flight.Finish();
  EXPECT_EQ(response.rfind("HTTP/1.1 202 Accepted\r\n", 0), 0u) << response;
  EXPECT_EQ(response.substr(response.find("\r\n\r\n") + 4), R"j({"accepted":1,"duplicates":0})j");
  const int status = Stop(0);
  load.Join();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string err = Slurp(err_);
  EXPECT_EQ(err.substr(err.size() - std::min<std::size_t>(err.size(), 19)), "kb-server: stopped\n") << err;
  EXPECT_EQ(load.problems(), std::vector<std::string>{});

  std::set<std::string> expected = load.acknowledged();
  EXPECT_GT(expected.size(), 0u);
  expected.insert("in-flight-0");
  const std::set<std::string> stored = StoredEventIds(events_);
  for (const std::string& id : expected) EXPECT_EQ(stored.count(id), 1u) << id;
  // The reindex finished before the exit: its generation is live.
  EXPECT_EQ(index_dir::LiveGeneration(index_).value_or(""), "gen-000002");

  ASSERT_TRUE(Start(index_, events_));
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), Ready("gen-000002", 1, 403));
  EXPECT_EQ(Results(Get("/api/v1/search?q=refund")->body), before);
}

// kill -9 while searches, events and a full reindex are in flight: every
// acknowledged event is in the file, and on restart the index directory
// serves a whole generation (the old one or the new one, never half of
// one); the next reindex clears what the killed one left.
TEST_F(KbServerFaultTest, Kill9UnderMixedLoadLosesNothingAcknowledgedAndLeavesAServableIndex) {
  ASSERT_NO_FATAL_FAILURE(StartOnALargerCorpus());
  const json before = Results(Get("/api/v1/search?q=refund")->body);

  {
    MixedLoad load(port_);
    ASSERT_TRUE(load.WaitForAnswers(50));
    auto reindex = Admin("/api/v1/admin/reindex?full=true");
    ASSERT_TRUE(reindex);
    ASSERT_EQ(reindex->status, 202);
    // Killed once the job has written some articles (or finished).
    const std::string url = json::parse(reindex->body)["url"];
    for (int i = 0; i < 3000; ++i) {
      auto job = Client().Get(url, {{"Authorization", "Bearer admin"}});
      if (!job) break;
      const json j = json::parse(job->body);
      if (j["status"] != "running" || j["progress"]["done"] > 0) break;
      std::this_thread::sleep_for(1ms);
    }
    load.ServerGoes();
    const int status = Stop(SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(status));
    load.Join();
    EXPECT_EQ(load.problems(), std::vector<std::string>{});

    const std::set<std::string> acknowledged = load.acknowledged();
    EXPECT_GT(acknowledged.size(), 0u);
    const std::set<std::string> stored = StoredEventIds(events_);
    for (const std::string& id : acknowledged) EXPECT_EQ(stored.count(id), 1u) << id;
  }

  const std::string live = index_dir::LiveGeneration(index_).value_or("");
  EXPECT_TRUE(live == "gen-000001" || live == "gen-000002") << live;
  ASSERT_TRUE(Start(index_, events_));
  EXPECT_EQ(ReadyNow(Get("/readyz")->body), Ready(live, 1, 403));
  EXPECT_EQ(Results(Get("/api/v1/search?q=refund")->body), before);

  json job = Reindex(/*full=*/true);
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  const std::string next = job["result"]["generation"];
  EXPECT_EQ(Listing(index_), (std::set<std::string>{".lock", "XAPIANDB", live, next}));
  EXPECT_EQ(Results(Get("/api/v1/search?q=refund")->body), before);
  EXPECT_EQ(WEXITSTATUS(Stop()), 0);
}

}  // namespace
}  // namespace kb
