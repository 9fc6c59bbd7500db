// Where one HTTP/1.1 request ends in the bytes a connection has received,
// found without parsing the request: the waiting room (connections.h) hands
// a connection to a worker only once its request's head, and a small body,
// have arrived, and the worker's stream gives the HTTP library exactly that
// request's bytes. Pure functions on bytes; no sockets.
#ifndef KB_SERVER_HTTP_REQUEST_HEAD_H_
#define KB_SERVER_HTTP_REQUEST_HEAD_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace kb::http {

// The longest request head accepted, blank line included: over it, 431.
inline constexpr std::size_t kMaxHeadBytes = 16 * 1024;

struct RequestHead {
  enum class State { kIncomplete, kComplete, kTooLarge };
  State state = State::kIncomplete;
  // Empty lines before the request line, which RFC 9112 lets a server skip.
  std::size_t leading_blank_bytes = 0;
  // From the request line through the blank line that ends the head.
  std::size_t head_bytes = 0;
  // The body's length when Content-Length gives it (and no Transfer-Encoding
  // overrides it); 0 when the request has neither.
  std::uint64_t content_length = 0;
  // Transfer-Encoding is present: the body's end is not known in advance.
  bool length_unknown = false;
  // "Expect: 100-continue": the client sends the body only when asked.
  bool expects_continue = false;
  // Content-Length and Transfer-Encoding together, Content-Length twice with
  // different values, or a Content-Length that is not a number: the request
  // is answered, then the connection is closed, since where the next request
  // starts is ambiguous.
  bool ambiguous_length = false;

  // The request's bytes (after the leading blank lines), or the largest
  // size_t when the body's end is not known.
  std::size_t RequestBytes() const {
    if (length_unknown || content_length > std::numeric_limits<std::size_t>::max() - head_bytes) {
      return std::numeric_limits<std::size_t>::max();
    }
    return head_bytes + static_cast<std::size_t>(content_length);
  }
};

// Scans the start of `bytes` for one request head. kTooLarge when more than
// `max_head_bytes` have come without the blank line that ends it.
RequestHead ScanRequestHead(std::string_view bytes, std::size_t max_head_bytes = kMaxHeadBytes);

// Whether a worker can take the request of `head` (complete) with
// `buffered_bytes` of it received: all of its body has come too, unless the
// body is longer than `max_waited_body_bytes`, of unknown length, or to be
// sent only after "100 Continue".
inline bool ReadyToServe(const RequestHead& head, std::size_t buffered_bytes, std::size_t max_waited_body_bytes) {
  if (head.state != RequestHead::State::kComplete) return false;
  if (head.length_unknown || head.expects_continue || head.content_length > max_waited_body_bytes) return true;
  return buffered_bytes >= head.RequestBytes();
}

}  // namespace kb::http

#endif  // KB_SERVER_HTTP_REQUEST_HEAD_H_
