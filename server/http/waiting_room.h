// The waiting room: one thread, one epoll set, that owns every connection
// not being served. A connection waits here, costing no worker thread, while
// it is idle between requests and while its request head (and a small body)
// trickles in; it is handed to a worker only once its request has arrived,
// and comes back after the answer. Here are also the limits that keep one
// client, or many slow ones, from starving the rest:
//   - max_connections_per_client open connections per client address: over
//     it, the client's own oldest idle connection is closed for the new one,
//     or the new one is answered 503;
//   - max_connections open connections in all: over it, the connection idle
//     the longest is closed, or the new one is answered 503;
//   - header_timeout for the whole head (not for each read), counted from
//     the connection's start or, on a kept-alive connection, from the first
//     byte of the request; then body_timeout for the body. Late requests are
//     answered 408; a head over kMaxHeadBytes is answered 431;
//   - keep_alive_timeout for an idle connection.
// Refusals use the API's JSON error shape and "Connection: close", and the
// connection lingers a moment, reading what the client still sends, so the
// client reads the answer instead of a reset. No HTTP library here: bytes,
// sockets and epoll.
//
// Thread safety: Add, Return and Stop may be called from any thread; the
// rest runs on the room's own thread.
#ifndef KB_SERVER_HTTP_WAITING_ROOM_H_
#define KB_SERVER_HTTP_WAITING_ROOM_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/api/errors.h"
#include "server/api/metrics.h"
#include "server/http/request_head.h"

namespace kb::http {

using Clock = std::chrono::steady_clock;

// One client connection. Between Add() and the room's handing it to
// `serve`, and again after Return(), it belongs to the room; in between, to
// the worker serving it, which may read `buffer`, `head` and the socket.
struct Connection {
  int fd = -1;
  std::string peer;  // numeric address, as getnameinfo writes it
  int peer_port = 0;
  // Bytes received and not yet part of an answered request: the request
  // being served (head first) and whatever the client pipelined after it.
  std::string buffer;
  // The request at the front of `buffer`; complete when handed to a worker.
  RequestHead head;
  // When the body must have arrived (for a worker reading the rest of it).
  Clock::time_point body_deadline;
  // The client closed its side after the request in `buffer`.
  bool peer_closed = false;
  int requests_served = 0;  // counted by the workers

  // The room's bookkeeping.
  enum class State { kNew, kReading, kIdle, kServing, kClosing, kClosed };
  State state = State::kNew;
  bool reading_body = false;
  bool watched = false;
  std::multimap<Clock::time_point, Connection*>::iterator timer;
  bool has_timer = false;
  std::list<Connection*>::iterator idle_pos, client_idle_pos, closing_pos;
};

struct WaitingRoomOptions {
  // Default: 0 = no limit (the server sets one from the open-file limit).
  std::size_t max_connections = 0;
  // Default: 0 = no cap.
  std::size_t max_connections_per_client = 0;
  std::chrono::milliseconds header_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds body_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds keep_alive_timeout = std::chrono::seconds(5);
  // How long a refused or finished connection is read from before it is
  // closed, unless the client closes first.
  std::chrono::milliseconds linger = std::chrono::seconds(1);
  // A body up to this long is waited for here, so that a worker gets the
  // whole request; a longer one is read by the worker, within body_timeout.
  std::size_t max_waited_body_bytes = 64 * 1024;
  // Addresses the per-client cap does not apply to. Default: none.
  std::function<bool(std::string_view address)> exempt_from_client_cap;
};

class WaitingRoom {
 public:
  // `serve` is called on the room's thread with each connection whose
  // request has arrived; it must not block (it queues the connection for a
  // worker), and the connection must come back through Return().
  // `metrics` must outlive the room.
  WaitingRoom(WaitingRoomOptions options, api::Metrics& metrics, std::function<void(Connection*)> serve);
  ~WaitingRoom();
  WaitingRoom(const WaitingRoom&) = delete;
  WaitingRoom& operator=(const WaitingRoom&) = delete;

  // Takes an accepted socket. Never blocks.
  void Add(int fd);

  // Gives a served connection back: to wait for its next request when
  // `keep_alive`, else to be closed.
  void Return(Connection* connection, bool keep_alive);

  // Closes every connection that is neither being served nor receiving the
  // body of a request, waits for those bodies (within the body deadline)
  // and for every request being served to be answered, closes their
  // connections, and ends the room's thread.
  void Stop();

 private:
  struct Client {
    std::size_t open = 0;
    std::list<Connection*> idle;  // oldest first
  };

  void Loop();
  // Wakes the room's thread. Only the first item put in an empty inbox
  // does: the thread takes all that came with it.
  void Wake();
  void TakeInbox();
  void Admit(int fd);
  void OnReadable(Connection* c);
  // Decides what the bytes of a connection in the room call for. Returns
  // true when `c` keeps waiting for more of them.
  bool Examine(Connection* c);
  void Handoff(Connection* c);
  void OnReturned(Connection* c, bool keep_alive);
  void ExpireTimers(Clock::time_point now);
  // Writes a short error answer in the API's shape, then lingers.
  void Refuse(Connection* c, api::ApiError error, std::string_view message);
  void Linger(Connection* c);
  void Destroy(Connection* c);
  // Moves `c` to `state`, keeping the idle lists and the metrics in step.
  void SetState(Connection* c, Connection::State state);
  void BecomeIdle(Connection* c, Clock::time_point now);
  void SetTimer(Connection* c, Clock::time_point when);
  void ClearTimer(Connection* c);
  void Watch(Connection* c);
  void Unwatch(Connection* c);
  int NextTimeoutMs(Clock::time_point now) const;
  // Closes the oldest idle connection, or a lingering one; false if none.
  bool MakeRoom();

  const WaitingRoomOptions options_;
  api::Metrics& metrics_;
  const std::function<void(Connection*)> serve_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};

  std::mutex inbox_mutex_;
  std::vector<int> added_;
  std::vector<std::pair<Connection*, bool>> returned_;
  bool stop_requested_ = false;

  // The room's thread only.
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, Client> clients_;
  std::multimap<Clock::time_point, Connection*> timers_;
  std::list<Connection*> idle_;     // oldest first
  std::list<Connection*> closing_;  // oldest first
  std::vector<std::unique_ptr<Connection>> closed_;  // freed after each round of events

  std::thread thread_;
};

}  // namespace kb::http

#endif  // KB_SERVER_HTTP_WAITING_ROOM_H_
