// Another process holding a write lock on an SQLite file: a child that
// opens it, begins an exclusive transaction and waits, until destruction
// kills it.
#ifndef KB_TESTS_SERVER_ANALYTICS_SQLITE_LOCK_H_
#define KB_TESTS_SERVER_ANALYTICS_SQLITE_LOCK_H_

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace kb::testing {

class SqliteLockHolder {
 public:
  // REQUIRES: no other thread runs in this process (the child forks off).
  explicit SqliteLockHolder(const std::string& path) {
    int ready[2];
    if (::pipe(ready) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      sqlite3* db = nullptr;
      char result = 'F';
      if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
          sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK) {
        result = 'L';
      }
      (void)!::write(ready[1], &result, 1);
      for (;;) ::pause();  // holds the lock until killed
    }
    ::close(ready[1]);
    char result = 0;
    locked_ = pid_ > 0 && ::read(ready[0], &result, 1) == 1 && result == 'L';
    ::close(ready[0]);
  }
  ~SqliteLockHolder() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  SqliteLockHolder(const SqliteLockHolder&) = delete;
  SqliteLockHolder& operator=(const SqliteLockHolder&) = delete;

  // Whether the child holds the lock.
  bool locked() const { return locked_; }

 private:
  pid_t pid_ = -1;
  bool locked_ = false;
};

}  // namespace kb::testing

#endif  // KB_TESTS_SERVER_ANALYTICS_SQLITE_LOCK_H_
