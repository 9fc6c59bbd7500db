// Who a request comes from, behind reverse proxies. A connection's peer is
// the proxy when there is one; the proxies listed in [server]
// trusted_proxies are believed about the addresses they forward for
// (X-Forwarded-For, or RFC 7239 Forwarded), and nobody else is. Everything
// keyed on the client (rate limits, the access log's client hash, the
// connection caps) uses the address ClientOf finds.
#ifndef KB_SERVER_API_CLIENT_ADDRESS_H_
#define KB_SERVER_API_CLIENT_ADDRESS_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb::api {

// An IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:192.0.2.1,
// what a dual-stack socket reports for an IPv4 peer) is its IPv4 address.
struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 uses the first 4

  // The canonical text: "192.0.2.1", "2001:db8::1" (RFC 5952).
  std::string ToString() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// A bare address, "192.0.2.1" or "2001:db8::1", in the strict forms of
// inet_pton (no leading zeros in IPv4, no zone, no brackets); nullopt for
// anything else.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// A node as proxies write one: a bare address, "[2001:db8::1]", or either
// of "192.0.2.1:4711" and "[2001:db8::1]:4711" with a port (dropped);
// nullopt for anything else, such as "unknown" or an obfuscated "_hidden".
std::optional<IpAddress> ParseNode(std::string_view text);

// An address block: "10.0.0.0/8", "2001:db8::/32", or one address
// ("192.0.2.7" is 192.0.2.7/32).
struct CidrBlock {
  IpAddress base;
  int prefix_bits = 0;

  bool Contains(const IpAddress& address) const;
};

// Parses a block. Bits set past the prefix ("10.0.0.1/8") are an error, as
// they are usually a typo. The message quotes `text` and says what was
// expected.
Result<CidrBlock> ParseCidrBlock(std::string_view text);

// The proxies whose forwarding headers are believed. Immutable once built,
// so safe for concurrent use.
class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody
  explicit TrustedProxies(std::vector<CidrBlock> blocks) : blocks_(std::move(blocks)) {}

  bool empty() const { return blocks_.empty(); }
  const std::vector<CidrBlock>& blocks() const { return blocks_; }

  // Whether `address` (as the socket layer writes a peer: a bare address,
  // IPv6 possibly with a "%zone") is one of the trusted proxies. False for
  // text that is not an address.
  bool Contains(std::string_view address) const;
  bool Contains(const IpAddress& address) const;

  // The client of a request whose connection comes from `peer`, with those
  // header values ("" when absent). From a peer that is not trusted, the
  // headers are ignored and the answer is the peer. From a trusted peer,
  // the hops in X-Forwarded-For (or, when that header is absent or blank,
  // the for= of each Forwarded element) are walked from the right, and the
  // first one that is not a trusted proxy is the client. When every hop is
  // trusted, the leftmost is. An entry that cannot be read (garbage,
  // "unknown", an obfuscated name, a Forwarded element without for=) stops
  // the walk: the client is then the last trusted hop reached, since
  // nothing further left can be believed. The answer is the canonical text
  // of the address; a peer that is not an address is returned as it is.
  std::string ClientOf(std::string_view peer, std::string_view x_forwarded_for, std::string_view forwarded) const;

 private:
  std::vector<CidrBlock> blocks_;
};

// The for= value of each element of a Forwarded header (RFC 7239), left to
// right, unquoted; nullopt for an element that has no for=, has it twice,
// or is not well-formed (after a quote that is never closed, the rest of the
// header is one element that is not).
std::vector<std::optional<std::string>> ForwardedForValues(std::string_view header);

}  // namespace kb::api

#endif  // KB_SERVER_API_CLIENT_ADDRESS_H_
