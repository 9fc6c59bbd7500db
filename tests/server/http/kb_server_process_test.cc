// The kb-server executable as operators run it: flags, SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "tests/test_files.h"

namespace kb {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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

TEST(KbServerProcessTest, ServesAndStopsCleanlyOnSigterm) {
  TempDir tmp("kb-server");
  Article a;
  a.id = "reset-password";
  a.locale = "en";
  a.title = "Reset your password";
  ASSERT_TRUE(BuildIndex({a}, tmp.path() + "/index"));
  const std::string log = tmp.path() + "/access.log";
  testing::WriteFile(tmp.path(), "kb.toml", "[server]\naccess_log = \"" + log + "\"\nport = 0\n");
  const std::string err = tmp.path() + "/stderr";
  const pid_t pid = Spawn({"--config", tmp.path() + "/kb.toml", "--index", tmp.path() + "/index"}, err);
  ASSERT_GT(pid, 0);

  // The port is chosen by the kernel and printed on stderr.
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    const std::string text = Slurp(err);
    if (auto at = text.find("http://127.0.0.1:"); at != std::string::npos) port = std::atoi(text.c_str() + at + 17);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
                        "usage: kb-server --index DIR [--host 127.0.0.1] [--port 8080] [--events FILE] [--config FILE]\n");
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

}  // namespace
}  // namespace kb
