#include "server/http/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <array>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <httplib.h>

#include "server/api/errors.h"
#include "server/http/waiting_room.h"

namespace kb::http {

namespace {

api::HttpRequest Convert(const httplib::Request& req) {
  api::HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [k, v] : req.params) out.params.emplace_back(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // A repeated header is one list (RFC 9110 5.3): a proxy that adds its
    // own X-Forwarded-For line must not be read as the client's.
    auto [it, added] = out.headers.emplace(std::move(name), v);
    if (!added) it->second.append(", ").append(v);
  }
  out.body = req.body;
  out.client = req.remote_addr;
  return out;
}

void Write(const api::HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [k, v] : from.headers) to.set_header(k, v);
  if (!from.body.empty() || !from.content_type.empty()) to.set_content(from.body, from.content_type);
}

// The library listens with a backlog of 5: when many clients connect at once
// the rest of their SYNs are dropped and retried a second later. The
// listening socket is listened on again with room for a burst.
constexpr int kListenBacklog = 1024;
// A body up to this long is waited for before a worker takes the request.
constexpr std::size_t kMaxWaitedBodyBytes = 64 * 1024;
// Requests on one connection before it is closed.
constexpr int kKeepAliveMaxCount = 10000;
// A response must be written within this.
constexpr auto kWriteTimeout = std::chrono::seconds(5);
// After an answer, a worker with nothing else to do waits up to this long
// for the connection's next request before it gives the connection back to
// the waiting room: a client that asks again at once (a proxy's kept-alive
// connection on the same machine, a benchmark) is served without the trip
// through the room, and an idle one costs the worker no more than this. The
// wait ends early when another connection's request waits for a worker.
constexpr auto kStayForNextRequest = std::chrono::milliseconds(5);
constexpr auto kStaySlice = std::chrono::microseconds(500);
constexpr rlim_t kMaxOpenFiles = 65536;

// Raises the soft open-file limit to the hard one (at most kMaxOpenFiles)
// and returns it.
std::size_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  const rlim_t wanted = std::min(limit.rlim_max, kMaxOpenFiles);
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

// Waits until `fd` is ready for `events`, or `deadline` passes (false).
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    const std::int64_t ns = std::min<std::chrono::nanoseconds>(left, std::chrono::seconds(60)).count();
    const timespec wait{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    pollfd p{fd, events, 0};
    const int n = ::ppoll(&p, 1, &wait, nullptr);
    if (n > 0) return true;  // ready, or an error that the next call reports
    if (n < 0 && errno != EINTR) return true;
  }
}

// One request's view of a connection, for the HTTP library: reads come from
// the bytes the waiting room buffered, then from the socket until the body
// deadline, and end where the request ends, so that what the client
// pipelined after it stays in the connection's buffer for the next request.
// Writes are finished within kWriteTimeout.
class ConnectionStream final : public httplib::Stream {
 public:
  explicit ConnectionStream(Connection& c) : c_(c), request_bytes_(c.head.RequestBytes()) {}

  bool is_readable() const override {
    return given_ < c_.buffer.size() || WaitFor(c_.fd, POLLIN, c_.body_deadline);
  }

  bool is_writable() const override {
    if (!write_deadline_) write_deadline_ = Clock::now() + kWriteTimeout;
    return !write_failed_ && WaitFor(c_.fd, POLLOUT, *write_deadline_);
  }

  ssize_t read(char* ptr, size_t size) override {
    if (consumed_ + given_ >= request_bytes_) return 0;
    size = std::min(size, request_bytes_ - consumed_ - given_);
    if (given_ == c_.buffer.size()) {
      // Everything buffered is taken: read on, keeping the buffer short.
      consumed_ += given_;
      c_.buffer.clear();
      given_ = 0;
      if (!Fill()) return -1;
    }
    const std::size_t n = std::min(size, c_.buffer.size() - given_);
    std::memcpy(ptr, c_.buffer.data() + given_, n);
    given_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (write_failed_) return -1;
    if (!write_deadline_) write_deadline_ = Clock::now() + kWriteTimeout;
    std::size_t written = 0;
    while (written < size) {
      const ssize_t n = ::send(c_.fd, ptr + written, size - written, MSG_NOSIGNAL);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && WaitFor(c_.fd, POLLOUT, *write_deadline_)) {
        continue;
      } else {
        write_failed_ = true;
        return -1;
      }
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer;
    port = c_.peer_port;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t length = sizeof(addr);
    if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return;
    std::array<char, NI_MAXHOST> host{};
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), length, host.data(), host.size(), nullptr, 0,
                      NI_NUMERICHOST) == 0) {
      ip = host.data();
    }
    port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port)
                                      : ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }

  socket_t socket() const override { return c_.fd; }

  // Drops the request's bytes from the connection's buffer; what follows
  // them is the next request's.
  void Finish() { c_.buffer.erase(0, given_); }

  // The connection cannot carry another request: a read or write failed,
  // the client closed it, or the body was late.
  bool failed() const { return read_failed_ || write_failed_; }
  bool body_timed_out() const { return body_timed_out_; }

 private:
  // Reads more of the request from the socket into the buffer. False at the
  // end of the stream, on an error, or when the body deadline passes.
  bool Fill() {
    std::array<char, 16 * 1024> chunk;
    while (true) {
      const ssize_t n = ::recv(c_.fd, chunk.data(), chunk.size(), 0);
      if (n > 0) {
        c_.buffer.append(chunk.data(), static_cast<std::size_t>(n));
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (WaitFor(c_.fd, POLLIN, c_.body_deadline)) continue;
        body_timed_out_ = true;
      }
      if (n == 0) c_.peer_closed = true;
      read_failed_ = true;
      return false;
    }
  }

  Connection& c_;
  const std::size_t request_bytes_;
  std::size_t consumed_ = 0;  // bytes of the request dropped from the buffer
  std::size_t given_ = 0;     // bytes of the buffer given to the library
  mutable std::optional<Clock::time_point> write_deadline_;
  bool read_failed_ = false;
  bool write_failed_ = false;
  bool body_timed_out_ = false;
};

// What the current thread is serving, for the library's handlers (which it
// calls without the stream).
struct Serving {
  const ConnectionStream* stream = nullptr;
  const std::atomic<bool>* stopping = nullptr;
};
thread_local Serving serving;

// The library's server, with its connections handed to the waiting room
// (the library calls process_and_close_socket for each accepted socket) and
// its request processing called by our workers.
class LibraryServer final : public httplib::Server {
 public:
  std::function<void(int fd)> on_accept;

  bool ServeOne(httplib::Stream& stream, bool close_connection, bool& connection_closed,
                const std::function<void(httplib::Request&)>& setup) {
    return process_request(stream, close_connection, connection_closed, setup);
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    on_accept(sock);
    return true;
  }
};

// Worker threads serving the connections the waiting room hands over.
class Workers {
 public:
  Workers(int count, std::function<void(Connection*)> serve) : serve_(std::move(serve)) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~Workers() { Stop(); }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Connections wait for a worker.
  bool Busy() {
    std::lock_guard lock(mutex_);
    return !queue_.empty();
  }

  void Push(Connection* c) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(c);
    }
    ready_.notify_one();
  }

  // Serves what is queued, then ends the threads.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void Work() {
    while (true) {
      Connection* c = nullptr;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        c = queue_.front();
        queue_.pop_front();
      }
      serve_(c);
    }
  }

  const std::function<void(Connection*)> serve_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Connection*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Waits until `fd` is readable (true), `until` passes, or another
// connection's request waits for a worker.
bool WaitWhileIdle(int fd, Clock::time_point until, Workers& workers) {
  while (!workers.Busy()) {
    const Clock::time_point now = Clock::now();
    if (now >= until) return false;
    if (WaitFor(fd, POLLIN, std::min(until, now + kStaySlice))) return true;
  }
  return false;
}

// What the library takes as its task queue, created when it starts
// listening: it runs each accept's task at once on the listening thread (the
// task only hands the socket to the waiting room), and owns the room and the
// workers, which it stops when the library stops listening.
class ConnectionQueue final : public httplib::TaskQueue {
 public:
  ConnectionQueue(WaitingRoomOptions options, api::Metrics& metrics, int threads,
                  std::function<void(Connection*, WaitingRoom&, Workers&)> serve) {
    workers_ = std::make_unique<Workers>(threads, [this, serve](Connection* c) { serve(c, *room_, *workers_); });
    room_ = std::make_unique<WaitingRoom>(std::move(options), metrics, [this](Connection* c) { workers_->Push(c); });
  }

  WaitingRoom& room() { return *room_; }

  void enqueue(std::function<void()> task) override { task(); }

  void shutdown() override {
    room_->Stop();
    workers_->Stop();
  }

 private:
  std::unique_ptr<Workers> workers_;
  std::unique_ptr<WaitingRoom> room_;
};

}  // namespace

struct HttpServer::Impl {
  api::Api& api;
  HttpServerOptions options;
  LibraryServer server;
  int listen_fd = -1;
  std::size_t max_connections = 0;
  ConnectionQueue* queue = nullptr;  // while listening; the listening thread's
  // Set by Stop(): the answers in flight are the connections' last.
  std::atomic<bool> stopping{false};

  Impl(api::Api& a, HttpServerOptions o) : api(a), options(std::move(o)) {}

  // Requests on `c`, on a worker thread: the one that arrived, and any next
  // one that follows at once; then `c` goes back to the room.
  void Serve(Connection* c, WaitingRoom& room, Workers& workers) {
    while (true) {
      const bool keep_alive = ServeOne(c);
      if (!keep_alive || !NextRequestArrives(c, workers)) {
        room.Return(c, keep_alive);
        return;
      }
    }
  }

  // Serves the request at the front of `c`'s buffer. Returns whether the
  // connection can carry another.
  bool ServeOne(Connection* c) {
    ConnectionStream stream(*c);
    const bool close_connection = stopping || c->requests_served + 1 >= kKeepAliveMaxCount ||
                                  c->head.ambiguous_length || c->peer_closed;
    bool connection_closed = false;
    bool parsed = false;
    bool ok = false;
    serving = {&stream, &stopping};
    try {
      ok = server.ServeOne(stream, close_connection, connection_closed, [&](httplib::Request&) { parsed = true; });
    } catch (...) {
      ok = false;
    }
    serving = {};
    stream.Finish();
    ++c->requests_served;
    // A request the library could not parse leaves the stream anywhere.
    return ok && parsed && !connection_closed && !close_connection && !stream.failed() && !stopping;
  }

  // Waits up to kStayForNextRequest for the next request on `c` to arrive
  // whole; true when it has (and is at the front of the buffer).
  bool NextRequestArrives(Connection* c, Workers& workers) {
    const api::ServerConfig& config = api.config();
    const Clock::time_point until = Clock::now() + kStayForNextRequest;
    std::array<char, 16 * 1024> chunk;
    while (!stopping) {
      RequestHead head = ScanRequestHead(c->buffer);
      c->buffer.erase(0, head.leading_blank_bytes);
      head.leading_blank_bytes = 0;
      if (ReadyToServe(head, c->buffer.size(), kMaxWaitedBodyBytes)) {
        c->head = head;
        c->body_deadline = Clock::now() + config.body_timeout;
        return true;
      }
      if (head.state == RequestHead::State::kTooLarge || !WaitWhileIdle(c->fd, until, workers)) return false;
      const ssize_t n = ::recv(c->fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
      if (n > 0) {
        c->buffer.append(chunk.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        return false;  // the room sees the end, or the error, too
      }
    }
    return false;
  }

  WaitingRoomOptions RoomOptions() const {
    const api::ServerConfig& config = api.config();
    WaitingRoomOptions o;
    o.max_connections = max_connections;
    o.max_connections_per_client = config.max_connections_per_client;
    o.header_timeout = config.header_timeout;
    o.body_timeout = config.body_timeout;
    o.keep_alive_timeout = config.keep_alive_timeout;
    o.max_waited_body_bytes = kMaxWaitedBodyBytes;
    o.exempt_from_client_cap = options.exempt_from_client_cap;
    if (!o.exempt_from_client_cap && !config.trusted_proxies.empty()) {
      // A trusted proxy carries many clients over its connections; they are
      // capped by the proxy itself (deploy/nginx: limit_conn), and by the
      // Api's rate limit on the client it names.
      o.exempt_from_client_cap = [&trusted = config.trusted_proxies](std::string_view address) {
        return trusted.Contains(address);
      };
    }
    return o;
  }
};

HttpServer::HttpServer(api::Api& api, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {
  LibraryServer& s = impl_->server;
  const api::ServerConfig& config = api.config();
  s.new_task_queue = [this] {
    Impl& impl = *impl_;
    auto* queue = new ConnectionQueue(impl.RoomOptions(), impl.api.metrics(), impl.api.config().EffectiveThreads(),
                                      [&impl](Connection* c, WaitingRoom& room, Workers& workers) {
                                        impl.Serve(c, room, workers);
                                      });
    impl.queue = queue;
    return queue;
  };
  s.on_accept = [this](int fd) { impl_->queue->room().Add(fd); };
  // Without TCP_NODELAY, keep-alive responses wait ~40 ms on Nagle.
  s.set_tcp_nodelay(true);
  // SO_REUSEADDR, not the library's SO_REUSEPORT: a second server on the
  // same port must fail, not share it. The socket is kept to widen its
  // backlog after bind (see kListenBacklog).
  s.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    impl_->listen_fd = sock;
  });
  // For the Keep-Alive header the library writes.
  s.set_keep_alive_max_count(kKeepAliveMaxCount);
  const auto keep_alive_s = std::chrono::duration_cast<std::chrono::seconds>(config.keep_alive_timeout).count();
  s.set_keep_alive_timeout(std::max<time_t>(1, keep_alive_s));
  // Bodies up to twice the limit are read so the Api can answer with its own
  // error; larger ones are cut off by the library and answered below.
  s.set_payload_max_length(config.max_body_bytes * 2 + 1024);

  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Write(impl_->api.Handle(Convert(req)), res);
  };
  s.Get(".*", handler);
  s.Post(".*", handler);
  s.Put(".*", handler);
  s.Delete(".*", handler);
  s.Patch(".*", handler);
  s.Options(".*", handler);
  // Errors the library produces itself (a request it could not parse, a body
  // over its limit or too late) get the API's error shape too.
  s.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    api::HttpResponse r;
    if (serving.stream != nullptr && serving.stream->body_timed_out()) {
      impl_->api.metrics().Count(api::ConnectionEvent::kBodyTimedOut);
      r = api::ErrorResponse(api::ApiError::kRequestTimeout, "the request body did not arrive in time");
    } else if (res.status == 413) {
      r = api::ErrorResponse(api::ApiError::kBodyTooLarge, "the body is over the size limit");
    } else if (res.status == 414) {
      r = api::ErrorResponse(api::ApiError::kQueryTooLong, "the request URI is too long");
    } else if (res.status == 404) {
      r = api::ErrorResponse(api::ApiError::kNotFound, "no such route");
    } else if (res.status == 405) {
      r = api::ErrorResponse(api::ApiError::kMethodNotAllowed, "method not supported");
    } else if (res.status >= 500) {
      r = api::ErrorResponse(api::ApiError::kInternal, "internal error");
    } else {
      r = api::ErrorResponse(api::ApiError::kInvalidParameter, "malformed request");
    }
    Write(r, res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  // The last answer on a connection says so: the request could not be read
  // to its end, or the server is stopping.
  s.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (serving.stream == nullptr) return;
    if (serving.stream->failed() || *serving.stopping) {
      res.headers.erase("Keep-Alive");
      res.set_header("Connection", "close");
    }
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Write(api::ErrorResponse(api::ApiError::kInternal, "internal error"), res);
  });
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Bind() {
  const api::ServerConfig& c = impl_->api.config();
  const std::size_t open_files = RaiseOpenFileLimit();
  impl_->max_connections = c.max_connections > 0 ? c.max_connections : std::max<std::size_t>(64, open_files / 2);
  int port = c.port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(c.host);
  } else if (!impl_->server.bind_to_port(c.host, port)) {
    port = -1;
  }
  if (port <= 0) return Fail(Error::Unavailable(fmt::format("cannot listen on {}:{}", c.host, c.port)));
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, kListenBacklog);
  return port;
}

void HttpServer::Run() { impl_->server.listen_after_bind(); }
void HttpServer::Stop() {
  impl_->stopping = true;
  impl_->server.stop();
}
bool HttpServer::IsRunning() const { return impl_->server.is_running(); }

}  // namespace kb::http
