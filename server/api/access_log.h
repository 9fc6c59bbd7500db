// The access log: one JSON line per request (time, method, path, route,
// status, milliseconds, client). Clients appear only as a salted hash, so
// one client's requests can be told apart from another's but the address is
// never written; the salt is random per process. Lines are buffered until
// Flush() or destruction. Safe for concurrent use.
#ifndef KB_SERVER_API_ACCESS_LOG_H_
#define KB_SERVER_API_ACCESS_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "indexer/base/error.h"
#include "server/api/http_types.h"
#include "server/api/metrics.h"

namespace kb::api {

class AccessLog {
 public:
  // Opens the log named by `target`: a path (appended to), "-" for standard
  // output, "" for none (every write is then dropped).
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Logs one answered request from `client` (Api::ClientOf), as its hash.
  void Request(const HttpRequest& request, std::string_view client, Route route, int status, double seconds);

  // Logs a problem of the server's own, e.g. {"ts":"...","purge_error":"..."}.
  void Problem(std::string_view key, std::string_view message);

  void Flush();

 private:
  AccessLog(std::FILE* file, bool own);
  void Write(const std::string& line);

  std::FILE* file_;  // null: no log
  bool own_;
  const std::string client_salt_;
  std::mutex mu_;
};

}  // namespace kb::api

#endif  // KB_SERVER_API_ACCESS_LOG_H_
