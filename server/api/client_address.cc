#include "server/api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include <fmt/core.h>

#include "indexer/base/strings.h"

namespace kb::api {

namespace {

constexpr std::size_t kMaxAddressChars = 45;  // INET6_ADDRSTRLEN - 1

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 7239's node-port: 1 to 5 digits, or an obfuscated "_name".
bool IsPort(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == '_') {
    return s.size() > 1 && std::all_of(s.begin() + 1, s.end(), [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-'; });
  }
  return s.size() <= 5 && std::all_of(s.begin(), s.end(), IsDigit) && std::stoi(std::string(s)) <= 65535;
}

// A bare IPv6 address (with ':'), not IPv4.
std::optional<IpAddress> ParseIpv6Text(std::string_view text) {
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  return ParseIpAddress(text);
}

// The peer as the socket layer writes it: an IPv6 zone ("fe80::1%eth0")
// does not change who the peer is.
std::optional<IpAddress> PeerAddress(std::string_view peer) {
  if (const auto zone = peer.find('%'); zone != std::string_view::npos && peer.find(':') != std::string_view::npos) {
    peer = peer.substr(0, zone);
  }
  return ParseIpAddress(peer);
}

bool IsTchar(char c) { return IsAlnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr; }

// Reads RFC 7239's Forwarded header, one element at a time.
class ForwardedReader {
 public:
  explicit ForwardedReader(std::string_view text) : s_(text) {}

  bool AtEnd() const { return i_ >= s_.size(); }

  // Reads one element and the ',' after it. `empty` is set when the element
  // holds nothing at all (the list syntax allows those; they are skipped).
  std::optional<std::string> Element(bool& empty) {
    std::optional<std::string> for_value;
    bool ok = true, seen_for = false, any = false;
    while (true) {
      SkipSpaces();
      std::string_view name = Token();
      if (!name.empty()) {
        any = true;
        std::optional<std::string> value;
        if (Peek() == '=') {
          ++i_;
          value = Value();
        }
        if (!value) {
          ok = false;
          break;
        }
        if (Lower(name) == "for") {
          if (seen_for) ok = false;
          seen_for = true;
          for_value = std::move(value);
        }
        SkipSpaces();
      }
      if (AtEnd()) break;
      if (Peek() == ';') {
        any = true;
        ++i_;
        continue;
      }
      if (Peek() == ',') break;
      ok = false;
      break;
    }
    if (!ok) SkipToComma();
    if (!AtEnd()) ++i_;  // the ','
    empty = ok && !any;
    if (!ok || !seen_for) return std::nullopt;
    return for_value;
  }

 private:
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  void SkipSpaces() {
    while (!AtEnd() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  std::string_view Token() {
    const std::size_t start = i_;
    while (!AtEnd() && IsTchar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  // A token or a quoted-string, unquoted; nullopt when it is neither.
  std::optional<std::string> Value() {
    if (Peek() != '"') {
      std::string_view token = Token();
      if (token.empty()) return std::nullopt;
      return std::string(token);
    }
    ++i_;
    std::string out;
    bool ok = true;
    while (!AtEnd()) {
      const char c = s_[i_++];
      if (c == '"') {
        if (!ok) return std::nullopt;
        return out;
      }
      if (c == '\\') {
        if (AtEnd()) break;
        out += s_[i_++];
        continue;
      }
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) ok = false;  // read on to the quote
      out += c;
    }
    return std::nullopt;  // a quote never closed swallows the rest
  }
  // After a malformed pair: on to the next ',' that is not inside quotes.
  void SkipToComma() {
    bool quoted = false;
    while (!AtEnd()) {
      const char c = s_[i_];
      if (quoted && c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) return;
      ++i_;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof(buf));
  return buf;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressChars) return std::nullopt;
  const std::string s(text);  // NUL-terminated for inet_pton
  if (s.find('\0') != std::string::npos) return std::nullopt;
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, sizeof(kMapped)) == 0) {
    IpAddress v4;
    std::copy(a.bytes.begin() + 12, a.bytes.end(), v4.bytes.begin());
    return v4;
  }
  a.v6 = true;
  return a;
}

std::optional<IpAddress> ParseNode(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view after = text.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || !IsPort(after.substr(1)))) return std::nullopt;
    return ParseIpv6Text(text.substr(1, close - 1));
  }
  if (std::count(text.begin(), text.end(), ':') == 1) {  // IPv4:port
    const std::size_t colon = text.find(':');
    if (!IsPort(text.substr(colon + 1))) return std::nullopt;
    return ParseIpAddress(text.substr(0, colon));
  }
  return ParseIpAddress(text);
}

bool CidrBlock::Contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  const int full = prefix_bits / 8, rest = prefix_bits % 8;
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + full, address.bytes.begin())) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (base.bytes[full] & mask) == (address.bytes[full] & mask);
}

Result<CidrBlock> ParseCidrBlock(std::string_view text) {
  const std::size_t slash = text.find('/');
  const auto address = ParseIpAddress(text.substr(0, slash));
  if (!address) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32", text)));
  }
  const int max_bits = address->v6 ? 128 : 32;
  CidrBlock block{*address, max_bits};
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), IsDigit) ||
        std::stoi(std::string(bits)) > max_bits) {
      return Fail(Error::InvalidArgument(fmt::format("'{}': the prefix of an {} block is 0 to {} bits", text,
                                                     address->v6 ? "IPv6" : "IPv4", max_bits)));
    }
    block.prefix_bits = std::stoi(std::string(bits));
  }
  // The block's own base must have no bits past the prefix.
  IpAddress masked = block.base;
  for (int bit = block.prefix_bits; bit < max_bits; ++bit) {
    masked.bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  }
  if (masked != block.base) {
    return Fail(Error::InvalidArgument(fmt::format("'{}' has bits set past its /{} prefix; write {}/{}", text,
                                                   block.prefix_bits, masked.ToString(), block.prefix_bits)));
  }
  return block;
}

bool TrustedProxies::Contains(std::string_view address) const {
  if (blocks_.empty()) return false;
  const auto a = PeerAddress(address);
  return a && Contains(*a);
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  return std::any_of(blocks_.begin(), blocks_.end(), [&](const CidrBlock& b) { return b.Contains(address); });
}

std::string TrustedProxies::ClientOf(std::string_view peer, std::string_view x_forwarded_for,
                                     std::string_view forwarded) const {
  const auto from = PeerAddress(peer);
  if (!from) return std::string(peer);
  IpAddress client = *from;
  if (!Contains(client)) return client.ToString();
  // Steps one hop to the left; false when the walk is over.
  auto step = [&](std::optional<IpAddress> hop) {
    if (!hop) return false;  // unreadable: the last trusted hop stays the client
    client = *hop;
    return Contains(client);
  };
  if (!IsBlank(x_forwarded_for)) {
    std::string_view rest = x_forwarded_for;
    while (true) {
      const std::size_t comma = rest.rfind(',');
      const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      if (!step(ParseNode(TrimBlanks(entry))) || comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  } else if (!IsBlank(forwarded)) {
    const auto values = ForwardedForValues(forwarded);
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
      if (!step(*it ? ParseNode(**it) : std::nullopt)) break;
    }
  }
  return client.ToString();
}

std::vector<std::optional<std::string>> ForwardedForValues(std::string_view header) {
  std::vector<std::optional<std::string>> out;
  ForwardedReader reader(header);
  while (!reader.AtEnd()) {
    bool empty = false;
    auto value = reader.Element(empty);
    if (!empty) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace kb::api
