#include "server/http/http_server.h"

#include <sys/socket.h>

#include <cctype>

#include <fmt/core.h>
#include <httplib.h>

#include "server/api/errors.h"

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
    out.headers.emplace(std::move(name), v);
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

}  // namespace

struct HttpServer::Impl {
  api::Api& api;
  httplib::Server server;
  int listen_fd = -1;
  explicit Impl(api::Api& a) : api(a) {}
};

// The library listens with a backlog of 5: when many clients connect at once
// the rest of their SYNs are dropped and retried a second later. The
// listening socket is listened on again with room for a burst.
constexpr int kListenBacklog = 1024;

HttpServer::HttpServer(api::Api& api) : impl_(std::make_unique<Impl>(api)) {
  httplib::Server& s = impl_->server;
  const api::ServerConfig& config = api.config();
  const int threads = config.EffectiveThreads();
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
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
  s.set_keep_alive_max_count(10000);
  s.set_keep_alive_timeout(5);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(5, 0);
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
  // over its limit) get the API's error shape too.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    api::HttpResponse r;
    if (res.status == 413) {
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
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Write(api::ErrorResponse(api::ApiError::kInternal, "internal error"), res);
  });
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::Bind() {
  const api::ServerConfig& c = impl_->api.config();
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
void HttpServer::Stop() { impl_->server.stop(); }
bool HttpServer::IsRunning() const { return impl_->server.is_running(); }

}  // namespace kb::http
