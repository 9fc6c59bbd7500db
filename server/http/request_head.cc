#include "server/http/request_head.h"

#include <charconv>
#include <optional>

#include "indexer/base/strings.h"

namespace kb::http {

namespace {

std::optional<std::uint64_t> ParseLength(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

RequestHead ScanRequestHead(std::string_view bytes, std::size_t max_head_bytes) {
  RequestHead head;
  while (bytes.starts_with("\r\n")) {
    head.leading_blank_bytes += 2;
    bytes.remove_prefix(2);
  }
  const std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > max_head_bytes) {
    const bool too_large = end != std::string_view::npos || bytes.size() > max_head_bytes;
    head.state = too_large ? RequestHead::State::kTooLarge : RequestHead::State::kIncomplete;
    return head;
  }
  head.state = RequestHead::State::kComplete;
  head.head_bytes = end + 4;

  bool has_length = false;
  bool has_transfer_encoding = false;
  std::string_view rest = bytes.substr(0, end + 2);
  rest.remove_prefix(rest.find("\r\n") + 2);  // the request line
  while (!rest.empty()) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = TrimBlanks(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-length")) {
      const std::optional<std::uint64_t> n = ParseLength(value);
      if (!n || (has_length && *n != head.content_length)) head.ambiguous_length = true;
      if (n && !has_length) head.content_length = *n;
      has_length = true;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      has_transfer_encoding = true;
    } else if (EqualsIgnoreCase(name, "expect")) {
      head.expects_continue = true;
    }
  }
  if (has_transfer_encoding) {
    head.length_unknown = true;
    if (has_length) head.ambiguous_length = true;
  }
  return head;
}

}  // namespace kb::http
