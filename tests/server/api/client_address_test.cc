// Addresses, CIDR blocks, and who a request comes from behind trusted
// proxies (X-Forwarded-For, Forwarded), including malformed input.
#include "server/api/client_address.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

std::string Text(const std::optional<IpAddress>& a) { return a ? a->ToString() : "(none)"; }

TEST(IpAddressTest, ParsesBothFamiliesToCanonicalText) {
  EXPECT_EQ(Text(ParseIpAddress("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(Text(ParseIpAddress("0.0.0.0")), "0.0.0.0");
  EXPECT_EQ(Text(ParseIpAddress("255.255.255.255")), "255.255.255.255");
  EXPECT_EQ(Text(ParseIpAddress("2001:DB8:0:0::1")), "2001:db8::1");
  EXPECT_EQ(Text(ParseIpAddress("::1")), "::1");
  EXPECT_EQ(Text(ParseIpAddress("::")), "::");
  EXPECT_TRUE(ParseIpAddress("2001:db8::1")->v6);
  EXPECT_FALSE(ParseIpAddress("192.0.2.1")->v6);
  // A dual-stack socket's IPv4 peer is that IPv4 address.
  const auto mapped = ParseIpAddress("::ffff:192.0.2.1");
  EXPECT_EQ(Text(mapped), "192.0.2.1");
  EXPECT_EQ(*mapped, *ParseIpAddress("192.0.2.1"));
}

TEST(IpAddressTest, RefusesAnythingElse) {
  for (const char* bad : {"", " ", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.02.1", "0x7f.0.0.1", "1e1.0.0.1",
                          " 192.0.2.1", "192.0.2.1 ", "192.0.2.1/32", "[::1]", "::1%eth0", "2001:db8::1::2",
                          "2001:db8:::1", "12345::", "unknown", "localhost", "_hidden", "-1.0.0.0",
                          "1111:2222:3333:4444:5555:6666:7777:8888:9999", "192.0.2.1:80"}) {
    EXPECT_FALSE(ParseIpAddress(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseIpAddress(std::string_view("192.0.2.1\0", 10)).has_value());
  EXPECT_FALSE(ParseIpAddress(std::string(100, '1')).has_value());
}

TEST(IpAddressTest, NodesMayHaveBracketsAndPorts) {
  EXPECT_EQ(Text(ParseNode("192.0.2.60")), "192.0.2.60");
  EXPECT_EQ(Text(ParseNode("192.0.2.60:4711")), "192.0.2.60");
  EXPECT_EQ(Text(ParseNode("192.0.2.60:_port")), "192.0.2.60");
  EXPECT_EQ(Text(ParseNode("2001:db8:cafe::17")), "2001:db8:cafe::17");
  EXPECT_EQ(Text(ParseNode("[2001:db8:cafe::17]")), "2001:db8:cafe::17");
  EXPECT_EQ(Text(ParseNode("[2001:db8:cafe::17]:4711")), "2001:db8:cafe::17");
  for (const char* bad : {"", "unknown", "_hidden", "192.0.2.60:", "192.0.2.60:65536", "192.0.2.60:123456",
                          "192.0.2.60:http", "192.0.2.60:_", "[192.0.2.60]", "[2001:db8::17", "[2001:db8::17]:",
                          "[2001:db8::17]4711", "[2001:db8::17]:x", "[]", "[[::1]]", "2001:db8::17:4711:1:2:3:4:5",
                          "192.0.2.60:80:80"}) {
    EXPECT_FALSE(ParseNode(bad).has_value()) << bad;
  }
}

TEST(CidrBlockTest, ParsesAndMatches) {
  auto block = ParseCidrBlock("10.0.0.0/8");
  ASSERT_TRUE(block.has_value()) << block.error().message();
  EXPECT_EQ(block->prefix_bits, 8);
  EXPECT_TRUE(block->Contains(*ParseIpAddress("10.255.1.2")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("11.0.0.1")));
  EXPECT_TRUE(block->Contains(*ParseIpAddress("::ffff:10.0.0.1")));  // IPv4-mapped: 10.0.0.1
  EXPECT_TRUE(block->Contains(*ParseIpAddress("::ffff:a00:1")));     // the same, in hex
  EXPECT_FALSE(block->Contains(*ParseIpAddress("a00::1")));         // IPv6 is never in an IPv4 block

  block = ParseCidrBlock("172.16.0.0/12");
  ASSERT_TRUE(block.has_value());
  EXPECT_TRUE(block->Contains(*ParseIpAddress("172.31.255.255")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("172.32.0.0")));

  block = ParseCidrBlock("2001:db8::/32");
  ASSERT_TRUE(block.has_value());
  EXPECT_TRUE(block->Contains(*ParseIpAddress("2001:db8:ffff::1")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("2001:db9::1")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("32.1.13.184")));

  block = ParseCidrBlock("192.0.2.7");  // one address
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(block->prefix_bits, 32);
  EXPECT_TRUE(block->Contains(*ParseIpAddress("192.0.2.7")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("192.0.2.6")));
  block = ParseCidrBlock("::1");
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(block->prefix_bits, 128);

  block = ParseCidrBlock("0.0.0.0/0");  // everyone
  ASSERT_TRUE(block.has_value());
  EXPECT_TRUE(block->Contains(*ParseIpAddress("203.0.113.9")));
  block = ParseCidrBlock("fe80::/10");
  ASSERT_TRUE(block.has_value());
  EXPECT_TRUE(block->Contains(*ParseIpAddress("febf::1")));
  EXPECT_FALSE(block->Contains(*ParseIpAddress("fec0::1")));
}

TEST(CidrBlockTest, MalformedBlocksSayWhatIsWrong) {
  auto expect = [](std::string_view text, const std::string& message) {
    auto block = ParseCidrBlock(text);
    ASSERT_FALSE(block.has_value()) << text;
    EXPECT_EQ(block.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(block.error().message(), message) << text;
  };
  const std::string not_cidr = " is not an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32";
  expect("", "''" + not_cidr);
  expect("10.0.0/8", "'10.0.0/8'" + not_cidr);
  expect("proxy.internal", "'proxy.internal'" + not_cidr);
  expect("/8", "'/8'" + not_cidr);
  expect(" 10.0.0.0/8", "' 10.0.0.0/8'" + not_cidr);
  expect("10.0.0.0/33", "'10.0.0.0/33': the prefix of an IPv4 block is 0 to 32 bits");
  expect("10.0.0.0/", "'10.0.0.0/': the prefix of an IPv4 block is 0 to 32 bits");
  expect("10.0.0.0/-1", "'10.0.0.0/-1': the prefix of an IPv4 block is 0 to 32 bits");
  expect("10.0.0.0/8/8", "'10.0.0.0/8/8': the prefix of an IPv4 block is 0 to 32 bits");
  expect("10.0.0.0/0008", "'10.0.0.0/0008': the prefix of an IPv4 block is 0 to 32 bits");
  expect("2001:db8::/129", "'2001:db8::/129': the prefix of an IPv6 block is 0 to 128 bits");
  expect("10.0.0.1/8", "'10.0.0.1/8' has bits set past its /8 prefix; write 10.0.0.0/8");
  expect("2001:db8::1/32", "'2001:db8::1/32' has bits set past its /32 prefix; write 2001:db8::/32");
}

TrustedProxies Trust(std::initializer_list<const char*> blocks) {
  std::vector<CidrBlock> parsed;
  for (const char* b : blocks) parsed.push_back(*ParseCidrBlock(b));
  return TrustedProxies(std::move(parsed));
}

TEST(TrustedProxiesTest, Contains) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8", "2001:db8::/32"});
  EXPECT_TRUE(trusted.Contains("10.1.2.3"));
  EXPECT_TRUE(trusted.Contains("::ffff:10.1.2.3"));
  EXPECT_TRUE(trusted.Contains("2001:db8::5"));
  EXPECT_TRUE(trusted.Contains("2001:db8::5%eth0"));  // a zone does not change the address
  EXPECT_FALSE(trusted.Contains("192.0.2.1"));
  EXPECT_FALSE(trusted.Contains("2001:db9::5"));
  EXPECT_FALSE(trusted.Contains(""));
  EXPECT_FALSE(trusted.Contains("10.1.2.3:80"));
  EXPECT_FALSE(trusted.Contains("garbage"));
  EXPECT_FALSE(TrustedProxies().Contains("10.1.2.3"));
}

TEST(TrustedProxiesTest, HeadersFromAPeerThatIsNotTrustedAreIgnored) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8"});
  EXPECT_EQ(trusted.ClientOf("192.0.2.9", "203.0.113.5", ""), "192.0.2.9");
  EXPECT_EQ(trusted.ClientOf("192.0.2.9", "10.0.0.1, 203.0.113.5", "for=198.51.100.1"), "192.0.2.9");
  EXPECT_EQ(trusted.ClientOf("192.0.2.9", "", "for=198.51.100.1"), "192.0.2.9");
  // Nobody is trusted by default.
  EXPECT_EQ(TrustedProxies().ClientOf("10.0.0.1", "203.0.113.5", "for=203.0.113.5"), "10.0.0.1");
  // The peer's canonical text; one that is not an address as it is.
  EXPECT_EQ(trusted.ClientOf("::ffff:192.0.2.9", "203.0.113.5", ""), "192.0.2.9");
  EXPECT_EQ(trusted.ClientOf("2001:DB8::9", "203.0.113.5", ""), "2001:db8::9");
  EXPECT_EQ(trusted.ClientOf("", "203.0.113.5", ""), "");
  EXPECT_EQ(trusted.ClientOf("not-an-ip", "203.0.113.5", ""), "not-an-ip");
}

TEST(TrustedProxiesTest, XForwardedForGivesTheRightmostAddressThatIsNotTrusted) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8", "2001:db8:ffff::/48"});
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5", ""), "203.0.113.5");
  // A client's own (spoofed) entries are left of the address the proxy adds.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "1.1.1.1, 203.0.113.5", ""), "203.0.113.5");
  // Through two trusted proxies.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.2", ""), "203.0.113.5");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5,10.0.0.2,\t10.0.0.3 ", ""), "203.0.113.5");
  EXPECT_EQ(trusted.ClientOf("2001:db8:ffff::1", "2001:DB8:1::7, 2001:db8:ffff::2", ""), "2001:db8:1::7");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "[2001:db8:1::7]:4711", ""), "2001:db8:1::7");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5:4711", ""), "203.0.113.5");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "::ffff:203.0.113.5", ""), "203.0.113.5");
  // Every hop trusted: the leftmost is as far as anyone can tell.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "10.0.0.3, 10.0.0.2", ""), "10.0.0.3");
  // No header, or a blank one: the proxy itself.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "  ", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("::ffff:10.0.0.1", "", ""), "10.0.0.1");
}

TEST(TrustedProxiesTest, AnUnreadableHopStopsTheWalkAtTheLastTrustedOne) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8"});
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "garbage", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "unknown", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5, 10.0.0.2, garbage", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5, garbage, 10.0.0.2", ""), "10.0.0.2");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5, , 10.0.0.2", ""), "10.0.0.2");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5,", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", ",,,,", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5 198.51.100.1", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5;198.51.100.1", ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", std::string("203.0.113.5\0", 12), ""), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "for=203.0.113.5", ""), "10.0.0.1");
  // Garbage left of the client is never reached.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "garbage, 203.0.113.5", ""), "203.0.113.5");
  // A long header costs only the hops walked.
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "198.51.100.1, ";
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", many + "203.0.113.5", ""), "203.0.113.5");
}

TEST(TrustedProxiesTest, ForwardedIsReadWhenThereIsNoXForwardedFor) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8"});
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=192.0.2.60;proto=http;by=203.0.113.43"), "192.0.2.60");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=\"[2001:db8:cafe::17]:4711\""), "2001:db8:cafe::17");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "For=\"192.0.2.60:4711\""), "192.0.2.60");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=192.0.2.43, for=198.51.100.17"), "198.51.100.17");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=192.0.2.43, for=198.51.100.17;by=10.0.0.1, for=10.0.0.2"),
            "198.51.100.17");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "proto=https;for=192.0.2.60"), "192.0.2.60");
  // Empty list elements carry nothing and are skipped.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=192.0.2.60, ,"), "192.0.2.60");
  // X-Forwarded-For wins when both are there.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "203.0.113.5", "for=192.0.2.60"), "203.0.113.5");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", " ", "for=192.0.2.60"), "192.0.2.60");
}

TEST(TrustedProxiesTest, UnreadableForwardedElementsStopTheWalk) {
  const TrustedProxies trusted = Trust({"10.0.0.0/8"});
  for (const char* forwarded : {
           "for=unknown", "for=_hidden", "for=\"_hidden:4711\"", "proto=https", "for=192.0.2.60;for=192.0.2.61",
           "for=[2001:db8::17]",        // IPv6 must be quoted
           "for=192.0.2.60:4711",       // so must a port
           "for=", "for", "=192.0.2.60", "for =192.0.2.60", "for= 192.0.2.60", "for=192.0.2.60 x",
           "for=\"2001:db8::17\"x", "for=\"192.0.2.60\x01\"", "for=192.0.2.60;;by=x;\x7f", "\"for\"=192.0.2.60",
       }) {
    EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", forwarded), "10.0.0.1") << forwarded;
    EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", std::string("for=203.0.113.5, ") + forwarded), "10.0.0.1") << forwarded;
    // Left of the client, a malformed element is never reached.
    EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", std::string(forwarded) + ", for=203.0.113.5"), "203.0.113.5")
        << forwarded;
  }
  // A quote never closed swallows the rest of the header.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=\"192.0.2.60"), "10.0.0.1");
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=\"192.0.2.60, for=203.0.113.5"), "10.0.0.1");
  // A trusted hop, then garbage: the last trusted hop.
  EXPECT_EQ(trusted.ClientOf("10.0.0.1", "", "for=192.0.2.60, for=garbage, for=10.0.0.9"), "10.0.0.9");
}

TEST(ForwardedTest, SplitsElementsAndUnquotes) {
  using V = std::vector<std::optional<std::string>>;
  EXPECT_EQ(ForwardedForValues("for=192.0.2.60;proto=http;by=203.0.113.43"), (V{"192.0.2.60"}));
  EXPECT_EQ(ForwardedForValues("for=\"[2001:db8:cafe::17]:4711\", for=unknown"),
            (V{"[2001:db8:cafe::17]:4711", "unknown"}));
  EXPECT_EQ(ForwardedForValues("for=\"a,b;c\\\"d\", for=x"), (V{"a,b;c\"d", "x"}));
  EXPECT_EQ(ForwardedForValues("by=x, for=y"), (V{std::nullopt, "y"}));
  EXPECT_EQ(ForwardedForValues("for=x;for=y, for=z"), (V{std::nullopt, "z"}));
  EXPECT_EQ(ForwardedForValues("for=\"x, for=y"), (V{std::nullopt}));
  EXPECT_EQ(ForwardedForValues("for=x y, for=z"), (V{std::nullopt, "z"}));
  EXPECT_EQ(ForwardedForValues("for=\"x\" y, for=z"), (V{std::nullopt, "z"}));
  EXPECT_EQ(ForwardedForValues("for=\"a\\"), (V{std::nullopt}));
  EXPECT_EQ(ForwardedForValues(", ,for=x,,"), (V{"x"}));
  EXPECT_EQ(ForwardedForValues(""), V{});
  EXPECT_EQ(ForwardedForValues(";"), (V{std::nullopt}));
}

}  // namespace
}  // namespace kb::api
