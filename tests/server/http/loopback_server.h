// A kb-server on a real socket on loopback, for end-to-end tests: the API
// made from a config, served by HttpServer on a thread until destruction.
#ifndef KB_TESTS_SERVER_HTTP_LOOPBACK_SERVER_H_
#define KB_TESTS_SERVER_HTTP_LOOPBACK_SERVER_H_

#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "server/api/api.h"
#include "server/http/http_server.h"

namespace kb::http {

class LoopbackServer {
 public:
  LoopbackServer() = default;
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer() { Stop(); }

  // Serves `config` on a free port.
  ::testing::AssertionResult Start(api::ServerConfig config, HttpServerOptions options = {}) {
    config.port = 0;
    auto created = api::Api::Create(config);
    if (!created) return ::testing::AssertionFailure() << created.error().ToString();
    api_ = std::move(*created);
    server_ = std::make_unique<HttpServer>(*api_, std::move(options));
    auto port = server_->Bind();
    if (!port) return ::testing::AssertionFailure() << port.error().ToString();
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
    while (!server_->IsRunning()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return ::testing::AssertionSuccess();
  }

  // Returns once the server has stopped and every thread it started ended.
  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  api::Api& api() { return *api_; }

 private:
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace kb::http

#endif  // KB_TESTS_SERVER_HTTP_LOOPBACK_SERVER_H_
