// The kb-server executable run as a child process, for tests of what only a
// real process shows: flags, signals, exit codes, what it prints.
#ifndef KB_TESTS_SERVER_HTTP_KB_SERVER_PROCESS_H_
#define KB_TESTS_SERVER_HTTP_KB_SERVER_PROCESS_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "indexer/base/file.h"

namespace kb::testing {

inline std::string Slurp(const std::string& path) { return ReadFile(path).value_or(""); }

// Starts the program `bin` with `args`, in a process group of its own,
// stderr to `err_path` (and stdout to `out_path`, if given); returns its
// pid.
inline pid_t SpawnProgram(std::string bin, std::vector<std::string> args, const std::string& err_path,
                          const std::string& out_path = "") {
  const pid_t pid = fork();
  if (pid == 0) {
    // A group of its own: xapian-replicate-server, stopped, signals its
    // whole process group, which must not be the test's.
    ::setpgid(0, 0);
    freopen(err_path.c_str(), "w", stderr);
    if (!out_path.empty()) freopen(out_path.c_str(), "w", stdout);
    std::vector<char*> argv;
    argv.push_back(bin.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Starts kb-server with `args`, as SpawnProgram does.
inline pid_t Spawn(std::vector<std::string> args, const std::string& err_path, const std::string& out_path = "") {
  return SpawnProgram(KB_SERVER_BIN, std::move(args), err_path, out_path);
}

// Stops the processes it holds with SIGTERM when it goes, and with SIGKILL
// those still there 5 s later: what a test started ends with the test,
// however it ends.
struct StopOnExit {
  std::vector<pid_t> pids;
  ~StopOnExit() {
    for (const pid_t pid : pids) ::kill(pid, SIGTERM);
    for (const pid_t pid : pids) {
      int waited = 0;
      while (::waitpid(pid, nullptr, WNOHANG) == 0 && waited++ < 500) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (waited > 500) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  }
};

// The port a kb-server started with port 0 printed on `err_path`, or 0;
// 0 at once when the process `pid` (if given) has exited, which is left
// for the caller to wait for.
inline int WaitForPort(const std::string& err_path, pid_t pid = -1) {
  for (int i = 0; i < 1000; ++i) {
    const std::string text = Slurp(err_path);
    if (auto at = text.find("http://127.0.0.1:"); at != std::string::npos) return std::atoi(text.c_str() + at + 17);
    siginfo_t info{};
    if (pid > 0 && ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

}  // namespace kb::testing

#endif  // KB_TESTS_SERVER_HTTP_KB_SERVER_PROCESS_H_
