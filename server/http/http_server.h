// Carries HTTP between sockets and the Api: the only code that uses
// cpp-httplib. Each worker thread serves one keep-alive connection at a time.
#ifndef KB_SERVER_HTTP_HTTP_SERVER_H_
#define KB_SERVER_HTTP_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "indexer/base/error.h"
#include "server/api/api.h"

namespace kb::http {

class HttpServer {
 public:
  // `api` must outlive the server.
  explicit HttpServer(api::Api& api);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port from the Api's config (port 0: any free port) and
  // returns the port.
  Result<int> Bind();

  // Serves until Stop(); requests in flight are finished first.
  void Run();

  // Safe to call from another thread.
  void Stop();
  bool IsRunning() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::http

#endif  // KB_SERVER_HTTP_HTTP_SERVER_H_
