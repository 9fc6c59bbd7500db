// The bytes a connection has received, as the waiting room scans them for
// where the first request ends (server/http/request_head.h): a complete head
// ends at the first blank line, within the limit; more bytes after it change
// nothing; a body's length is known unless Transfer-Encoding says otherwise.
#include <fmt/core.h>

#include "server/http/request_head.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

bool Same(const http::RequestHead& a, const http::RequestHead& b) {
  return a.state == b.state && a.leading_blank_bytes == b.leading_blank_bytes && a.head_bytes == b.head_bytes &&
         a.content_length == b.content_length && a.length_unknown == b.length_unknown &&
         a.expects_continue == b.expects_continue && a.ambiguous_length == b.ambiguous_length;
}

void CheckScan(std::string_view bytes, std::size_t max_head_bytes) {
  using State = http::RequestHead::State;
  const http::RequestHead head = http::ScanRequestHead(bytes, max_head_bytes);
  const std::size_t start = head.leading_blank_bytes;
  Check(start <= bytes.size() && start % 2 == 0, "leading blank lines beyond the input");
  const std::string_view request = bytes.substr(start);
  const std::size_t blank = request.find("\r\n\r\n");
  switch (head.state) {
    case State::kComplete:
      Check(blank != std::string_view::npos && head.head_bytes == blank + 4,
            fmt::format("a head of {} bytes, but the first blank line ends at {}", head.head_bytes, blank + 4));
      Check(head.head_bytes <= max_head_bytes, "a complete head over the limit");
      Check(head.RequestBytes() >= head.head_bytes, "a request shorter than its head");
      Check(!head.length_unknown || head.RequestBytes() == std::numeric_limits<std::size_t>::max(),
            "a body of unknown length with a known end");
      if (!head.length_unknown && !head.expects_continue && head.content_length <= 1024) {
        Check(http::ReadyToServe(head, head.RequestBytes(), 1024), "the whole request came but is not ready");
        Check(head.content_length == 0 || !http::ReadyToServe(head, head.RequestBytes() - 1, 1024),
              "ready before the whole body came");
      }
      // What follows the head (its body, the next request) changes nothing.
      Check(Same(head, http::ScanRequestHead(std::string(bytes) + "\r\n\r\nX: 1\r\n\r\n", max_head_bytes)),
            "bytes after a complete head changed it");
      break;
    case State::kIncomplete:
      Check(blank == std::string_view::npos && request.size() <= max_head_bytes, "an end that was not seen");
      break;
    case State::kTooLarge:
      Check(request.size() > max_head_bytes || (blank != std::string_view::npos && blank + 4 > max_head_bytes),
            "too large within the limit");
      break;
  }
}

}  // namespace

void FuzzRequestHead(std::string_view input) {
  CheckScan(input, http::kMaxHeadBytes);
  CheckScan(input, 64);  // a small limit, so that over it is reached too
}

}  // namespace kb::fuzz
