#include "server/http/waiting_room.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <optional>

#include <fmt/core.h>

namespace kb::http {

namespace {

bool PeerOf(int fd, std::string& address, int& port) {
  sockaddr_storage addr{};
  socklen_t length = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return false;
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  } else {
    return false;
  }
  std::array<char, NI_MAXHOST> host{};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), length, host.data(), host.size(), nullptr, 0,
                    NI_NUMERICHOST) != 0) {
    return false;
  }
  address = host.data();
  return true;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

// The whole answer, head and body, for a refusal written by the room.
std::string RefusalBytes(api::ApiError error, std::string_view message) {
  const api::HttpResponse r = api::ErrorResponse(error, message);
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                     r.status, ReasonPhrase(r.status), r.content_type, r.body.size(), r.body);
}

// Reads what the socket holds, up to `limit` bytes in `buffer`. Returns
// false at the end of the stream or on an error.
bool ReadAvailable(int fd, std::string& buffer, std::size_t limit) {
  std::array<char, 16 * 1024> chunk;
  while (buffer.size() < limit) {
    const std::size_t want = std::min(chunk.size(), limit - buffer.size());
    const ssize_t n = ::recv(fd, chunk.data(), want, 0);
    if (n > 0) {
      buffer.append(chunk.data(), static_cast<std::size_t>(n));
      // Less than asked for: the socket is empty (if not, epoll says so).
      if (static_cast<std::size_t>(n) < want) return true;
    } else if (n == 0) {
      return false;
    } else if (errno == EINTR) {
      continue;
    } else {
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
  return true;
}

// Reads and drops what the socket holds. False at the end of the stream.
bool Drain(int fd) {
  std::array<char, 16 * 1024> chunk;
  while (true) {
    const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

}  // namespace

WaitingRoom::WaitingRoom(WaitingRoomOptions options, api::Metrics& metrics, std::function<void(Connection*)> serve)
    : options_(std::move(options)), metrics_(metrics), serve_(std::move(serve)) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::thread([this] { Loop(); });
}

WaitingRoom::~WaitingRoom() {
  Stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void WaitingRoom::Add(int fd) {
  bool wake = false;
  {
    std::lock_guard lock(inbox_mutex_);
    wake = added_.empty() && returned_.empty();
    added_.push_back(fd);
  }
  if (wake) Wake();
}

void WaitingRoom::Return(Connection* connection, bool keep_alive) {
  bool wake = false;
  {
    std::lock_guard lock(inbox_mutex_);
    wake = added_.empty() && returned_.empty();
    returned_.emplace_back(connection, keep_alive);
  }
  if (wake) Wake();
}

void WaitingRoom::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(inbox_mutex_);
    stop_requested_ = true;
  }
  Wake();
  thread_.join();
}

void WaitingRoom::Wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof(one));
}

void WaitingRoom::Loop() {
  std::array<epoll_event, 256> events;
  while (true) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), NextTimeoutMs(Clock::now()));
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (c == nullptr) {
        std::uint64_t count = 0;
        [[maybe_unused]] const ssize_t r = ::read(wake_fd_, &count, sizeof(count));
      } else if (c->state != Connection::State::kClosed) {
        OnReadable(c);
      }
    }
    TakeInbox();
    ExpireTimers(Clock::now());
    closed_.clear();
    if (stopping_ && connections_.empty()) break;
  }
}

void WaitingRoom::TakeInbox() {
  std::vector<int> added;
  std::vector<std::pair<Connection*, bool>> returned;
  bool stop = false;
  {
    std::lock_guard lock(inbox_mutex_);
    added.swap(added_);
    returned.swap(returned_);
    stop = stop_requested_;
  }
  for (const auto& [c, keep_alive] : returned) OnReturned(c, keep_alive);
  if (stop && !stopping_) {
    stopping_ = true;
    // A request whose head has come and whose body is arriving is in
    // flight: its body is waited for (until the body deadline) and it is
    // served. The others, idle or with half a head, are closed.
    std::vector<Connection*> waiting;
    for (const auto& [c, owned] : connections_) {
      const bool arriving = c->state == Connection::State::kReading && c->reading_body;
      if (c->state != Connection::State::kServing && !arriving) waiting.push_back(c);
    }
    for (Connection* c : waiting) Destroy(c);
  }
  for (int fd : added) Admit(fd);
}

void WaitingRoom::Admit(int fd) {
  auto owned = std::make_unique<Connection>();
  Connection* c = owned.get();
  c->fd = fd;
  if (stopping_ || !PeerOf(fd, c->peer, c->peer_port)) {
    ::close(fd);
    return;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));

  Client& client = clients_[c->peer];
  bool refuse_per_client = false;
  if (options_.max_connections_per_client > 0 && client.open >= options_.max_connections_per_client &&
      !(options_.exempt_from_client_cap && options_.exempt_from_client_cap(c->peer))) {
    if (!client.idle.empty()) {
      metrics_.Count(api::ConnectionEvent::kIdleEvicted);
      Destroy(client.idle.front());
    } else {
      refuse_per_client = true;
    }
  }
  bool refuse_full = false;
  if (!refuse_per_client && options_.max_connections > 0 && connections_.size() >= options_.max_connections) {
    refuse_full = !MakeRoom();
  }
  // Destroy() may have dropped the client's entry; count this one in again.
  ++clients_[c->peer].open;
  connections_.emplace(c, std::move(owned));
  SetState(c, Connection::State::kReading);
  if (refuse_per_client || refuse_full) {
    metrics_.Count(refuse_per_client ? api::ConnectionEvent::kRejectedPerClient : api::ConnectionEvent::kRejectedFull);
    Refuse(c, api::ApiError::kUnavailable,
           refuse_per_client ? "too many connections from this address" : "too many connections");
    return;
  }
  // A new connection is reading its first request from the start: one that
  // sends nothing is late like one that sends slowly.
  SetTimer(c, Clock::now() + options_.header_timeout);
  Watch(c);
}

bool WaitingRoom::MakeRoom() {
  if (!closing_.empty()) {
    Destroy(closing_.front());
    return true;
  }
  if (!idle_.empty()) {
    metrics_.Count(api::ConnectionEvent::kIdleEvicted);
    Destroy(idle_.front());
    return true;
  }
  return false;
}

void WaitingRoom::OnReadable(Connection* c) {
  if (c->state == Connection::State::kClosing) {
    if (!Drain(c->fd)) Destroy(c);
    return;
  }
  const std::size_t limit = kMaxHeadBytes + options_.max_waited_body_bytes + 1;
  const bool open = ReadAvailable(c->fd, c->buffer, limit);
  if (!open) c->peer_closed = true;
  if (c->buffer.empty()) {
    if (c->peer_closed) Destroy(c);
    return;
  }
  if (c->state == Connection::State::kIdle) {
    SetState(c, Connection::State::kReading);
    c->reading_body = false;
    SetTimer(c, Clock::now() + options_.header_timeout);
  }
  Examine(c);
}

bool WaitingRoom::Examine(Connection* c) {
  RequestHead head = ScanRequestHead(c->buffer);
  if (head.leading_blank_bytes > 0) {
    c->buffer.erase(0, head.leading_blank_bytes);
    head.leading_blank_bytes = 0;
  }
  switch (head.state) {
    case RequestHead::State::kTooLarge:
      metrics_.Count(api::ConnectionEvent::kHeadTooLarge);
      Refuse(c, api::ApiError::kHeadersTooLarge, fmt::format("the request head is over {} bytes", kMaxHeadBytes));
      return false;
    case RequestHead::State::kIncomplete:
      if (c->peer_closed) {
        Destroy(c);
        return false;
      }
      return true;
    case RequestHead::State::kComplete:
      break;
  }
  if (!c->reading_body) {
    c->reading_body = true;
    c->body_deadline = Clock::now() + options_.body_timeout;
    SetTimer(c, c->body_deadline);
  }
  if (!ReadyToServe(head, c->buffer.size(), options_.max_waited_body_bytes)) {
    if (c->peer_closed) {
      Destroy(c);
      return false;
    }
    return true;
  }
  c->head = head;
  Handoff(c);
  return false;
}

void WaitingRoom::Handoff(Connection* c) {
  Unwatch(c);
  ClearTimer(c);
  SetState(c, Connection::State::kServing);
  serve_(c);
}

void WaitingRoom::OnReturned(Connection* c, bool keep_alive) {
  if (stopping_ || !keep_alive || c->peer_closed) {
    if (stopping_) {
      Destroy(c);
    } else {
      Linger(c);
    }
    return;
  }
  const Clock::time_point now = Clock::now();
  c->reading_body = false;
  if (c->buffer.empty()) {
    BecomeIdle(c, now);
    Watch(c);
    return;
  }
  // The client pipelined its next request: it may be here already.
  SetState(c, Connection::State::kReading);
  SetTimer(c, now + options_.header_timeout);
  if (Examine(c)) Watch(c);
}

void WaitingRoom::ExpireTimers(Clock::time_point now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    Connection* c = timers_.begin()->second;
    ClearTimer(c);
    switch (c->state) {
      case Connection::State::kIdle:
        metrics_.Count(api::ConnectionEvent::kIdleTimedOut);
        Destroy(c);
        break;
      case Connection::State::kReading:
        if (c->reading_body) {
          metrics_.Count(api::ConnectionEvent::kBodyTimedOut);
          Refuse(c, api::ApiError::kRequestTimeout, "the request body did not arrive in time");
        } else {
          metrics_.Count(api::ConnectionEvent::kHeadTimedOut);
          if (c->buffer.empty()) {
            Destroy(c);  // nothing was asked: nothing to answer
          } else {
            Refuse(c, api::ApiError::kRequestTimeout, "the request head did not arrive in time");
          }
        }
        break;
      default:
        Destroy(c);
        break;
    }
  }
}

void WaitingRoom::Refuse(Connection* c, api::ApiError error, std::string_view message) {
  const std::string answer = RefusalBytes(error, message);
  // A fresh socket's send buffer holds this much; if not, the client is
  // not reading, and loses the answer.
  [[maybe_unused]] const ssize_t n = ::send(c->fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  Linger(c);
}

void WaitingRoom::Linger(Connection* c) {
  ::shutdown(c->fd, SHUT_WR);
  if (stopping_ || (options_.max_connections > 0 && connections_.size() > options_.max_connections)) {
    Destroy(c);
    return;
  }
  c->buffer.clear();
  SetState(c, Connection::State::kClosing);
  SetTimer(c, Clock::now() + options_.linger);
  Watch(c);
}

void WaitingRoom::Destroy(Connection* c) {
  ClearTimer(c);
  SetState(c, Connection::State::kClosed);
  ::close(c->fd);  // also takes it out of the epoll set
  c->watched = false;
  if (auto client = clients_.find(c->peer); client != clients_.end() && --client->second.open == 0) {
    clients_.erase(client);
  }
  auto owned = connections_.find(c);
  closed_.push_back(std::move(owned->second));
  connections_.erase(owned);
}

void WaitingRoom::BecomeIdle(Connection* c, Clock::time_point now) {
  SetState(c, Connection::State::kIdle);
  SetTimer(c, now + options_.keep_alive_timeout);
}

void WaitingRoom::SetState(Connection* c, Connection::State state) {
  using State = Connection::State;
  auto place = [](State s) -> std::optional<api::ConnectionPlace> {
    switch (s) {
      case State::kReading: return api::ConnectionPlace::kReading;
      case State::kIdle: return api::ConnectionPlace::kIdle;
      case State::kServing: return api::ConnectionPlace::kServing;
      case State::kClosing: return api::ConnectionPlace::kClosing;
      case State::kNew:
      case State::kClosed: return std::nullopt;
    }
    return std::nullopt;
  };
  if (state == c->state) return;
  if (c->state == State::kIdle) {
    idle_.erase(c->idle_pos);
    clients_[c->peer].idle.erase(c->client_idle_pos);
  } else if (c->state == State::kClosing) {
    closing_.erase(c->closing_pos);
  }
  if (auto p = place(c->state)) metrics_.ConnectionLeft(*p);
  c->state = state;
  if (auto p = place(state)) metrics_.ConnectionEntered(*p);
  if (state == State::kIdle) {
    idle_.push_back(c);
    c->idle_pos = std::prev(idle_.end());
    std::list<Connection*>& mine = clients_[c->peer].idle;
    mine.push_back(c);
    c->client_idle_pos = std::prev(mine.end());
  } else if (state == State::kClosing) {
    closing_.push_back(c);
    c->closing_pos = std::prev(closing_.end());
  }
}

void WaitingRoom::SetTimer(Connection* c, Clock::time_point when) {
  ClearTimer(c);
  c->timer = timers_.emplace(when, c);
  c->has_timer = true;
}

void WaitingRoom::ClearTimer(Connection* c) {
  if (!c->has_timer) return;
  timers_.erase(c->timer);
  c->has_timer = false;
}

void WaitingRoom::Watch(Connection* c) {
  if (c->watched) return;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.ptr = c;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &event);
  c->watched = true;
}

void WaitingRoom::Unwatch(Connection* c) {
  if (!c->watched) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  c->watched = false;
}

int WaitingRoom::NextTimeoutMs(Clock::time_point now) const {
  if (timers_.empty()) return -1;
  const auto wait = timers_.begin()->first - now;
  if (wait <= Clock::duration::zero()) return 0;
  // Rounded up, so that the timer has expired when the wait ends.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
}

}  // namespace kb::http
