// The connection model end to end, on real sockets over loopback: slow and
// idle connections wait without a worker, the caps and deadlines answer
// with the API's error shape, pipelined requests are all served, and Stop()
// finishes what is in flight. Clients connect from other 127/8 addresses
// (Linux routes them all to lo) to stand for other clients. Every wait is
// bounded, so a regression fails instead of hanging; no timing is asserted.
#include "server/http/waiting_room.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/http/http_server.h"
#include "tests/server/http/loopback_server.h"
#include "tests/test_files.h"

namespace kb::http {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kWait = seconds(10);  // the most any step may take before the test fails

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// A client socket that writes and reads raw bytes, connected from `source`.
class RawConnection {
 public:
  RawConnection(int port, const std::string& source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    connected_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) == 0 &&
                 ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The next response (head, and a body of its Content-Length), or nothing
  // if the connection ends or kWait passes first.
  std::optional<RawResponse> Read() {
    std::size_t end = std::string::npos;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse r;
    const std::string head = in_.substr(0, end + 2);
    r.status = std::atoi(head.c_str() + head.find(' ') + 1);
    for (std::size_t at = head.find("\r\n") + 2; at < head.size();) {
      const std::size_t eol = head.find("\r\n", at);
      const std::string line = head.substr(at, eol - at);
      const std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      at = eol + 2;
    }
    const std::size_t length = r.headers.contains("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (in_.size() < end + 4 + length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = in_.substr(end + 4, length);
    in_.erase(0, end + 4 + length);
    return r;
  }

  // True when the server closes the connection (after any bytes it sends)
  // within kWait.
  bool ClosedByServer() {
    while (Fill()) {
    }
    return eof_;
  }

  // True while the server has neither answered nor closed the connection.
  bool Waiting() const {
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    return in_.empty() && ::poll(&p, 1, 0) == 0;
  }

 private:
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::chrono::duration_cast<milliseconds>(kWait).count())) <= 0) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    in_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string in_;
};

constexpr std::string_view kHealthz = "GET /healthz HTTP/1.1\r\nHost: kb\r\n\r\n";
constexpr std::string_view kSearch = "GET /api/v1/search?q=password&locale=en HTTP/1.1\r\nHost: kb\r\n\r\n";

// A head that has started and will take a long time to finish.
constexpr std::string_view kHeadStart = "GET /api/v1/search?q=password&locale=en HTTP/1.1\r\nHost: kb\r\nX-Slow: ";

std::string ErrorBody(std::string_view code, std::string_view message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

// Sends one byte more to each connection every few milliseconds, until
// destroyed or until the server stops reading them.
class Trickle {
 public:
  explicit Trickle(std::vector<RawConnection*> connections) {
    thread_ = std::thread([this, connections] {
      while (!done_) {
        for (RawConnection* c : connections) c->Send("a");
        std::this_thread::sleep_for(milliseconds(10));
      }
    });
  }
  ~Trickle() {
    done_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int ThreadCount() {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

class WaitingRoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(BuildIndex({testing::MakeArticle("reset-password", "en", "How do I reset my password?",
                                                 "Use the reset link on the sign-in page.")},
                           tmp_.path() + "/index"));
    config_.index_path = tmp_.path() + "/index";
    config_.events_path = tmp_.path() + "/events.sqlite";
    config_.access_log = "";
    config_.requests_per_second = 0;
    config_.max_body_bytes = 1024;
    config_.threads = 2;
    config_.header_timeout = std::chrono::minutes(10);
    config_.body_timeout = std::chrono::minutes(10);
    config_.keep_alive_timeout = std::chrono::minutes(10);
  }

  ::testing::AssertionResult Start(HttpServerOptions options = {}) {
    return server_.Start(config_, std::move(options));
  }

  std::unique_ptr<RawConnection> Connect(const std::string& source) {
    auto c = std::make_unique<RawConnection>(server_.port(), source);
    EXPECT_TRUE(c->connected()) << source;
    return c;
  }

  // With a cap of two: five connections from 127.0.0.5 (exempt) are all
  // answered, while a third from 127.0.0.6 is refused with 503.
  void ExpectOnlyOthersCapped() {
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 5; ++i) {
      held.push_back(Connect("127.0.0.5"));
      ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\nHost: kb\r\n"));
    }
    for (const auto& c : held) {
      ASSERT_TRUE(c->Send("\r\n"));
      auto res = c->Read();
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 200);
    }
    std::vector<std::unique_ptr<RawConnection>> capped;
    for (int i = 0; i < 2; ++i) {
      capped.push_back(Connect("127.0.0.6"));
      ASSERT_TRUE(capped.back()->Send("GET /healthz HTTP/1.1\r\n"));
    }
    auto over = Connect("127.0.0.6");
    ASSERT_TRUE(over->Send(kHealthz));
    auto res = over->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
  }

  // A normal client's search, on a new connection from 127.0.0.1.
  std::optional<int> Search() {
    httplib::Client client("127.0.0.1", server_.port());
    client.set_connection_timeout(kWait);
    client.set_read_timeout(kWait);
    auto res = client.Get("/api/v1/search?q=password&locale=en");
    if (!res) return std::nullopt;
    EXPECT_EQ(json::parse(res->body)["results"][0]["id"], "reset-password");
    return res->status;
  }

  // The value of one line of /metrics, asked on one kept-alive connection
  // (being served while it is asked, so not idle then).
  std::string Metric(const std::string& name) {
    if (!metrics_client_) {
      metrics_client_ = std::make_unique<httplib::Client>("127.0.0.1", server_.port());
      metrics_client_->set_keep_alive(true);
      metrics_client_->set_read_timeout(kWait);
    }
    auto res = metrics_client_->Get("/metrics");
    if (!res) return "no answer";
    const std::size_t at = res->body.find("\n" + name + " ");
    if (at == std::string::npos) return "absent";
    const std::size_t from = at + name.size() + 2;
    return res->body.substr(from, res->body.find('\n', from) - from);
  }

  // Metric(name) once it is `value`, or its last value after kWait.
  std::string WaitForMetric(const std::string& name, const std::string& value) {
    const auto until = std::chrono::steady_clock::now() + kWait;
    std::string now = Metric(name);
    while (now != value && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(milliseconds(5));
      now = Metric(name);
    }
    return now;
  }

  TempDir tmp_{"waiting-room"};
  api::ServerConfig config_;
  LoopbackServer server_;
  std::unique_ptr<httplib::Client> metrics_client_;
};

constexpr std::string_view kIdleNow = "kb_http_connections_open{state=\"idle\"}";

TEST_F(WaitingRoomTest, SlowHeadsFromOneAddressDoNotStarveANormalClient) {
  config_.max_connections_per_client = 0;
  ASSERT_TRUE(Start());
  // Twenty times as many slow heads as workers, each a byte at a time.
  std::vector<std::unique_ptr<RawConnection>> slow;
  std::vector<RawConnection*> raw;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(Connect("127.0.0.2"));
    ASSERT_TRUE(slow.back()->Send(kHeadStart));
    raw.push_back(slow.back().get());
  }
  Trickle trickle(raw);
  EXPECT_EQ(Search(), 200);
  EXPECT_EQ(Search(), 200);
  for (const auto& c : slow) EXPECT_TRUE(c->Waiting());
}

TEST_F(WaitingRoomTest, TheConnectionOverTheClientCapIsRefusedWhileTheOthersWork) {
  config_.max_connections_per_client = 3;
  ASSERT_TRUE(Start());
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Connect("127.0.0.3"));
    ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\nHost: kb\r\n"));
  }
  auto over = Connect("127.0.0.3");
  ASSERT_TRUE(over->Send(kHealthz));
  auto refused = over->Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->headers["connection"], "close");
  EXPECT_EQ(refused->headers["content-type"], "application/json");
  EXPECT_EQ(refused->body, ErrorBody("unavailable", "too many connections from this address"));
  EXPECT_TRUE(over->ClosedByServer());

  // Another address is not affected, and the three held ones finish.
  auto other = Connect("127.0.0.4");
  ASSERT_TRUE(other->Send(kHealthz));
  auto res = other->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  for (const auto& c : held) {
    ASSERT_TRUE(c->Send("\r\n"));
    res = c->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(Metric("kb_http_connections_rejected_total{reason=\"per_client\"}"), "1");
}

TEST_F(WaitingRoomTest, AnExemptAddressHasNoCap) {
  config_.max_connections_per_client = 2;
  ASSERT_TRUE(Start({.exempt_from_client_cap = [](std::string_view address) { return address == "127.0.0.5"; }}));
  ExpectOnlyOthersCapped();
}

TEST_F(WaitingRoomTest, TheConfigsTrustedProxiesHaveNoCap) {
  config_.max_connections_per_client = 2;
  config_.trusted_proxies = api::TrustedProxies({*api::ParseCidrBlock("127.0.0.5")});
  ASSERT_TRUE(Start());
  ExpectOnlyOthersCapped();
}

// A proxy that adds its own X-Forwarded-For line, after the client's: the
// lines are one list, and the client is its rightmost untrusted address,
// not the first line's.
TEST_F(WaitingRoomTest, RepeatedForwardingHeadersAreOneList) {
  config_.trusted_proxies = api::TrustedProxies({*api::ParseCidrBlock("127.0.0.5")});
  config_.requests_per_second = 0.001;
  config_.burst = 1;
  ASSERT_TRUE(Start());
  auto c = Connect("127.0.0.5");
  ASSERT_TRUE(c->Send("GET /api/v1/suggest?q=pa HTTP/1.1\r\nHost: kb\r\nX-Forwarded-For: 203.0.113.1\r\n"
                      "X-Forwarded-For: 198.51.100.2\r\n\r\n"));
  auto first = c->Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  // 198.51.100.2 has spent its one token; 203.0.113.1 has not.
  ASSERT_TRUE(c->Send("GET /api/v1/suggest?q=pa HTTP/1.1\r\nHost: kb\r\nX-Forwarded-For: 198.51.100.2\r\n\r\n"));
  auto second = c->Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
  ASSERT_TRUE(c->Send("GET /api/v1/suggest?q=pa HTTP/1.1\r\nHost: kb\r\nX-Forwarded-For: 203.0.113.1\r\n\r\n"));
  auto third = c->Read();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 200);
}

TEST_F(WaitingRoomTest, AtTheClientCapTheClientsOldestIdleConnectionMakesRoom) {
  config_.max_connections_per_client = 3;
  ASSERT_TRUE(Start());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 1; i <= 3; ++i) {
    idle.push_back(Connect("127.0.0.7"));
    ASSERT_TRUE(idle.back()->Send(kHealthz));
    ASSERT_TRUE(idle.back()->Read());
    // Idle in this order (a worker may give one back after the next).
    ASSERT_EQ(WaitForMetric(std::string(kIdleNow), std::to_string(i)), std::to_string(i));
  }
  auto fourth = Connect("127.0.0.7");
  ASSERT_TRUE(fourth->Send(kSearch));
  auto res = fourth->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(idle[0]->ClosedByServer());
  for (int i = 1; i < 3; ++i) {
    ASSERT_TRUE(idle[static_cast<std::size_t>(i)]->Send(kHealthz));
    res = idle[static_cast<std::size_t>(i)]->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(Metric("kb_http_idle_connections_closed_total{reason=\"make_room\"}"), "1");
}

TEST_F(WaitingRoomTest, AHeadThatNeverEndsIsAnswered408AtItsDeadline) {
  config_.header_timeout = milliseconds(300);
  ASSERT_TRUE(Start());
  auto c = Connect("127.0.0.8");
  ASSERT_TRUE(c->Send(kHeadStart));
  // A byte every 10 ms: no single read waits long; the whole head is late.
  std::optional<RawResponse> res;
  {
    Trickle trickle({c.get()});
    res = c->Read();
  }
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 408);
  EXPECT_EQ(res->headers["connection"], "close");
  EXPECT_EQ(res->body, ErrorBody("request_timeout", "the request head did not arrive in time"));
  EXPECT_TRUE(c->ClosedByServer());
  EXPECT_EQ(Metric("kb_http_request_timeouts_total{phase=\"head\"}"), "1");
}

TEST_F(WaitingRoomTest, AHeadOverTheSizeLimitIsAnswered431) {
  ASSERT_TRUE(Start());
  auto c = Connect("127.0.0.9");
  ASSERT_TRUE(c->Send(std::string(kHeadStart) + std::string(kMaxHeadBytes, 'a')));
  auto res = c->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
  EXPECT_EQ(res->body, ErrorBody("headers_too_large", "the request head is over 16384 bytes"));
  EXPECT_TRUE(c->ClosedByServer());
}

TEST_F(WaitingRoomTest, IdleKeepAliveConnectionsDoNotBlockANewClient) {
  ASSERT_TRUE(Start());
  // Ten times as many idle keep-alive connections as workers.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(Connect("127.0.0.10"));
    ASSERT_TRUE(idle.back()->Send(kHealthz));
    auto res = idle.back()->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(Search(), 200);
  // They were kept, and still work.
  for (const auto& c : idle) {
    ASSERT_TRUE(c->Send(kHealthz));
    auto res = c->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
}

TEST_F(WaitingRoomTest, WhenEverySlotIsTakenTheOldestIdleConnectionIsClosed) {
  config_.max_connections = 5;  // four idle, and the one /metrics is asked on
  ASSERT_TRUE(Start());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 1; i <= 4; ++i) {
    idle.push_back(Connect("127.0.0." + std::to_string(10 + i)));
    ASSERT_TRUE(idle.back()->Send(kHealthz));
    ASSERT_TRUE(idle.back()->Read());
    ASSERT_EQ(WaitForMetric(std::string(kIdleNow), std::to_string(i)), std::to_string(i));
  }
  auto fifth = Connect("127.0.0.20");
  ASSERT_TRUE(fifth->Send(kSearch));
  auto res = fifth->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(idle[0]->ClosedByServer());
  for (std::size_t i = 1; i < idle.size(); ++i) EXPECT_TRUE(idle[i]->Waiting()) << i;
  EXPECT_EQ(Metric("kb_http_idle_connections_closed_total{reason=\"make_room\"}"), "1");
}

TEST_F(WaitingRoomTest, WhenEverySlotIsTakenAndNoneIsIdleTheNewConnectionIsRefused) {
  config_.max_connections = 4;
  ASSERT_TRUE(Start());
  std::vector<std::unique_ptr<RawConnection>> busy;
  for (int i = 0; i < 4; ++i) {
    busy.push_back(Connect("127.0.0." + std::to_string(21 + i)));
    ASSERT_TRUE(busy.back()->Send("GET /healthz HTTP/1.1\r\n"));
  }
  auto fifth = Connect("127.0.0.30");
  ASSERT_TRUE(fifth->Send(kHealthz));
  auto res = fifth->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->body, ErrorBody("unavailable", "too many connections"));
  for (const auto& c : busy) {
    ASSERT_TRUE(c->Send("Host: kb\r\n\r\n"));
    res = c->Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
}

TEST_F(WaitingRoomTest, PipelinedRequestsAreAllAnsweredInOrder) {
  ASSERT_TRUE(Start());
  auto c = Connect("127.0.0.31");
  const std::string events = "{\"events\":\"none\"}";
  ASSERT_TRUE(c->Send(std::string(kHealthz) +
                      "POST /api/v1/events HTTP/1.1\r\nHost: kb\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(events.size()) + "\r\n\r\n" + events + std::string(kSearch) +
                      "GET /api/v1/articles/no-such-article HTTP/1.1\r\nHost: kb\r\n\r\n"));
  auto healthz = c->Read();
  auto posted = c->Read();
  auto search = c->Read();
  auto missing = c->Read();
  ASSERT_TRUE(healthz && posted && search && missing);
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(posted->status, 400);
  EXPECT_EQ(json::parse(posted->body)["error"]["code"], "invalid_events");
  EXPECT_EQ(search->status, 200);
  EXPECT_EQ(json::parse(search->body)["results"][0]["id"], "reset-password");
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(c->Waiting());
}

TEST_F(WaitingRoomTest, ARequestWithNeitherLengthNorTransferEncodingHasNoBody) {
  ASSERT_TRUE(Start());
  auto c = Connect("127.0.0.37");
  ASSERT_TRUE(c->Send("POST /api/v1/events HTTP/1.1\r\nHost: kb\r\n\r\n" + std::string(kHealthz)));
  auto posted = c->Read();
  auto healthz = c->Read();
  ASSERT_TRUE(posted && healthz);
  EXPECT_EQ(posted->status, 400);
  EXPECT_EQ(json::parse(posted->body)["error"]["code"], "invalid_events");
  EXPECT_EQ(healthz->status, 200);
}

TEST_F(WaitingRoomTest, ABodySentSlowlyPastItsDeadlineIsCutOff) {
  config_.body_timeout = milliseconds(300);
  config_.max_body_bytes = 256 * 1024;
  ASSERT_TRUE(Start());
  // Small enough to be waited for before a worker takes it, and large
  // enough to be read by the worker: both are cut off at the deadline.
  for (const std::size_t length : {std::size_t{100}, std::size_t{200'000}}) {
    auto c = Connect("127.0.0.32");
    ASSERT_TRUE(c->Send("POST /api/v1/events HTTP/1.1\r\nHost: kb\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(length) + "\r\n\r\n" + std::string(length / 2, ' ')));
    std::optional<RawResponse> res;
    {
      Trickle trickle({c.get()});
      res = c->Read();
    }
    ASSERT_TRUE(res) << length;
    EXPECT_EQ(res->status, 408) << length;
    EXPECT_EQ(res->headers["connection"], "close") << length;
    EXPECT_EQ(res->body, ErrorBody("request_timeout", "the request body did not arrive in time")) << length;
    EXPECT_TRUE(c->ClosedByServer()) << length;
  }
  EXPECT_EQ(Metric("kb_http_request_timeouts_total{phase=\"body\"}"), "2");
  EXPECT_EQ(Search(), 200);
}

TEST_F(WaitingRoomTest, StopFinishesTheRequestInFlightClosesTheRestAndEndsEveryThread) {
  ASSERT_TRUE(Start());
  std::vector<std::unique_ptr<RawConnection>> idle, slow;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(Connect("127.0.0.33"));
    ASSERT_TRUE(idle.back()->Send(kHealthz));
    ASSERT_TRUE(idle.back()->Read());
    slow.push_back(Connect("127.0.0.34"));
    ASSERT_TRUE(slow.back()->Send(kHeadStart));
  }
  // Answers came, so the waiting room and the workers run.
  const int threads_serving = ThreadCount();
  // In flight: a worker has the request (it asked for the body) when the
  // server is told to stop, and the body comes after.
  auto in_flight = Connect("127.0.0.35");
  const std::string body(2000, 'x');
  ASSERT_TRUE(in_flight->Send("POST /api/v1/events HTTP/1.1\r\nHost: kb\r\nExpect: 100-continue\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n"));
  auto go_on = in_flight->Read();
  ASSERT_TRUE(go_on);
  ASSERT_EQ(go_on->status, 100);

  auto stopped = std::async(std::launch::async, [this] { server_.Stop(); });
  // Once the listening socket is closed, the server is stopping.
  const auto until = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < until && RawConnection(server_.port(), "127.0.0.36").connected()) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_FALSE(RawConnection(server_.port(), "127.0.0.36").connected());
  ASSERT_TRUE(in_flight->Send(body));
  auto res = in_flight->Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->headers["connection"], "close");
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "body_too_large");
  EXPECT_TRUE(in_flight->ClosedByServer());
  ASSERT_EQ(stopped.wait_for(kWait), std::future_status::ready);
  for (const auto& c : idle) EXPECT_TRUE(c->ClosedByServer());
  for (const auto& c : slow) EXPECT_TRUE(c->ClosedByServer());
  // Joined threads leave /proc a moment after they are joined.
  int threads_after = ThreadCount();
  for (int i = 0; i < 1000 && threads_after != threads_serving - config_.threads - 2; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    threads_after = ThreadCount();
  }
  // The listening thread, the waiting room's and the workers have ended.
  EXPECT_EQ(threads_after, threads_serving - config_.threads - 2);
}

}  // namespace
}  // namespace kb::http
