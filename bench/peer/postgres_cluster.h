// A real PostgreSQL 15 for one test or benchmark: a cluster made with initdb in a
// temporary directory and served on a free loopback port, stopped and
// removed with the object. PostgreSQL refuses to run as root, so under
// root the cluster belongs to the `postgres` user and its commands run
// through runuser. Where PostgreSQL is not installed, Start says why and
// the test skips with that reason.
#ifndef KB_BENCH_PEER_POSTGRES_CLUSTER_H_
#define KB_BENCH_PEER_POSTGRES_CLUSTER_H_

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "indexer/base/temp_dir.h"
#include "bench/peer/free_port.h"

namespace kb::testing {

class Postgres {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  // Makes and starts a cluster; null with the reason in `why` when it
  // cannot.
  static std::unique_ptr<Postgres> Start(std::string* why) {
    if (!std::filesystem::exists(std::string(kBin) + "/initdb")) {
      *why = "PostgreSQL 15 is not installed (scripts/bootstrap installs Debian's postgresql)";
      return nullptr;
    }
    std::unique_ptr<Postgres> pg(new Postgres());
    if (::geteuid() == 0) {
      const passwd* user = ::getpwnam("postgres");
      if (user == nullptr) {
        *why = "running as root, and there is no postgres user to run PostgreSQL as";
        return nullptr;
      }
      pg->as_ = "runuser -u postgres -- ";
      std::filesystem::create_directories(pg->data_);
      if (::chown(pg->dir_.path().c_str(), user->pw_uid, user->pw_gid) != 0 ||
          ::chown(pg->data_.c_str(), user->pw_uid, user->pw_gid) != 0) {
        *why = "cannot give the cluster's directory to the postgres user";
        return nullptr;
      }
    }
    if (!pg->Run(fmt::format("{}/initdb -D {} -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8", kBin,
                             pg->data_))) {
      *why = "initdb failed: " + pg->LogTail();
      return nullptr;
    }
    pg->port_ = FreePort();
    if (!pg->Resume()) {
      *why = "PostgreSQL did not start: " + pg->LogTail();
      return nullptr;
    }
    return pg;
  }

  ~Postgres() {
    if (running_) Run(fmt::format("{}/pg_ctl -D {} -m immediate -w stop", kBin, data_));
  }
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;

  int port() const { return port_; }
  // The URL of database `db` (made by CreateDatabase, or "postgres").
  std::string Url(const std::string& db = "postgres") const {
    return fmt::format("postgresql://postgres@127.0.0.1:{}/{}", port_, db);
  }

  bool CreateDatabase(const std::string& db) { return Sql("postgres", fmt::format("CREATE DATABASE {}", db)); }

  // Runs `sql` with psql in `db`; true when it succeeded.
  bool Sql(const std::string& db, const std::string& sql) {
    const std::string file = dir_.path() + "/statement.sql";
    if (FILE* f = std::fopen(file.c_str(), "w")) {
      std::fputs(sql.c_str(), f);
      std::fclose(f);
    }
    return Run(fmt::format("{}/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {} -U postgres -d {} -f {}", kBin, port_,
                           db, file));
  }

  // What `sql` printed (psql -At: unaligned, tuples only), or "" on failure.
  std::string Query(const std::string& db, const std::string& sql) {
    const std::string out = dir_.path() + "/query.out";
    std::filesystem::remove(out);
    if (!Run(fmt::format("{}/psql -X -At -h 127.0.0.1 -p {} -U postgres -d {} -c \"{}\" -o {}", kBin, port_, db, sql,
                         out))) {
      return "";
    }
    FILE* f = std::fopen(out.c_str(), "r");
    if (f == nullptr) return "";
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  // Stops PostgreSQL at once, as a crash would (immediate shutdown).
  bool Stop() {
    const bool ok = Run(fmt::format("{}/pg_ctl -D {} -m immediate -w stop", kBin, data_));
    running_ = running_ && !ok;
    return ok;
  }

  // Starts it again on the same port.
  bool Resume() {
    running_ = Run(fmt::format(
        "{}/pg_ctl -D {} -l {}/log -w -t 30 -o \"-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off\" start",
        kBin, data_, dir_.path(), port_, dir_.path()));
    return running_;
  }

 private:
  Postgres() = default;

  bool Run(const std::string& command) {
    const std::string line = fmt::format("{}{} >>{}/commands.log 2>&1", as_, command, dir_.path());
    return std::system(line.c_str()) == 0;
  }

  std::string LogTail() {
    std::string text;
    for (const char* name : {"/commands.log", "/log"}) {
      if (FILE* f = std::fopen((dir_.path() + name).c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
        std::fclose(f);
      }
    }
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
  }

  TempDir dir_{"postgres"};
  const std::string data_ = dir_.path() + "/data";
  std::string as_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace kb::testing

#endif  // KB_BENCH_PEER_POSTGRES_CLUSTER_H_
