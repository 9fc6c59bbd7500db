// Carries HTTP between sockets and the Api: the only code that uses
// cpp-httplib, which parses requests and writes responses; the connections
// are ours.
//
// The connection model. The listening thread accepts and hands each socket
// to the waiting room (waiting_room.h), one epoll thread that owns every
// connection not being served: idle keep-alive connections and requests
// whose head is still arriving cost no worker thread. The room applies the
// per-client and total connection caps, the deadline for the whole head
// (408), the head's size limit (431), and the keep-alive timeout; when slots
// run short, the connections idle the longest are closed first. Once a
// request's head (and a body of up to 64 KiB) has arrived, a worker (one of
// [server] threads) reads it from a stream over the connection's buffered
// bytes and the socket (a longer body must arrive within body_timeout), runs
// it through the Api, writes the answer (within 5 s), and gives the
// connection back to the room for its next request; bytes the client
// pipelined after the request stay with the connection and are served next.
// A worker with nothing else to do first waits up to 5 ms for that next
// request, so a client that asks again at once (a proxy's kept-alive
// connection) is served without the trip through the room.
#ifndef KB_SERVER_HTTP_HTTP_SERVER_H_
#define KB_SERVER_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "indexer/base/error.h"
#include "server/api/api.h"

namespace kb::http {

struct HttpServerOptions {
  // Client addresses the per-client connection cap ([server]
  // max_connections_per_client) does not apply to, such as a reverse
  // proxy's. Called on the waiting room's thread. Default: the config's
  // [server] trusted_proxies.
  std::function<bool(std::string_view address)> exempt_from_client_cap;
};

class HttpServer {
 public:
  // `api` must outlive the server.
  explicit HttpServer(api::Api& api, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port from the Api's config (port 0: any free port) and
  // returns the port. Raises the process's soft open-file limit to its hard
  // limit (at most 65536), from which the default max_connections is set.
  Result<int> Bind();

  // Serves until Stop(): then connections waiting for a request are closed,
  // requests in flight are finished (answered with "Connection: close"),
  // and every thread the server started has ended when Run() returns.
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
