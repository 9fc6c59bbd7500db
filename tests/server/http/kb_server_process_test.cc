// The kb-server executable as operators run it: flags, SIGTERM, kill -9.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb {
namespace {

std::string Slurp(const std::string& path) { return ReadFile(path).value_or(""); }

// Starts kb-server with `args`, stderr to `err_path`; returns its pid.
pid_t Spawn(std::vector<std::string> args, const std::string& err_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    freopen(err_path.c_str(), "w", stderr);
    std::vector<char*> argv;
    std::string bin = KB_SERVER_BIN;
    argv.push_back(bin.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// The port a kb-server started with port 0 printed on `err_path`, or 0.
int WaitForPort(const std::string& err_path) {
  for (int i = 0; i < 1000; ++i) {
    const std::string text = Slurp(err_path);
    if (auto at = text.find("http://127.0.0.1:"); at != std::string::npos) return std::atoi(text.c_str() + at + 17);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

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
                        "                 [--attribution-window 24h] [--format table|csv|json]\n");
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

TEST(KbServerProcessTest, AcknowledgedEventsSurviveKill9) {
  TempDir tmp("kb-server");
  OneArticleIndex(tmp.path() + "/index");
  testing::WriteFile(tmp.path(), "kb.toml",
                     "[server]\naccess_log = \"\"\nport = 0\n[auth]\nadmin_keys = [\"admin\"]\n"
                     "[rate_limit]\nrequests_per_second = 0\n");
  const std::string events = tmp.path() + "/events.sqlite";
  const std::vector<std::string> args = {"--config", tmp.path() + "/kb.toml", "--index", tmp.path() + "/index",
                                         "--events", events};
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
      std::string body = "{\"events\":[";
      for (int i = 0; i < kPerBatch; ++i) {
        const int n = b * kPerBatch + i;
        body += fmt::format("{}{{\"event_id\":\"v{}\",\"type\":\"view\",\"session_id\":\"s{}\","
                            "\"channel\":\"widget\",\"article_id\":\"reset-password\"}}",
                            i == 0 ? "" : ",", n, n);
      }
      body += "]}";
      auto res = client.Post("/api/v1/events", body, "application/json");
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

  // Restarted on the same file, the server reports every one of them.
  err = tmp.path() + "/stderr2";
  pid = Spawn(args, err);
  port = WaitForPort(err);
  ASSERT_GT(port, 0) << Slurp(err);
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/v1/analytics/summary", {{"Authorization", "Bearer admin"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto summary = nlohmann::json::parse(res->body);
  EXPECT_EQ(summary["help_sessions"], kBatches * kPerBatch);
  EXPECT_EQ(summary["articles"][0]["views"], kBatches * kPerBatch);
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
}

}  // namespace
}  // namespace kb
