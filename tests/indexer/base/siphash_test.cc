#include "indexer/base/siphash.h"

#include <string>

#include <gtest/gtest.h>

namespace kb {
namespace {

SipKey CountingKey() {
  SipKey key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  return key;
}

std::string CountingMessage(std::size_t n) {
  std::string m;
  for (std::size_t i = 0; i < n; ++i) m.push_back(static_cast<char>(i));
  return m;
}

// The example of the SipHash paper (appendix A): key 00..0f, message 00..0e.
TEST(SipHashTest, MatchesThePapersExample) {
  EXPECT_EQ(SipHash24(CountingKey(), CountingMessage(15)), 0xa129ca6149be45e5ULL);
}

// The reference implementation's first test vectors (vectors.h): the empty
// message, and 00..07 (a whole word and an empty tail).
TEST(SipHashTest, MatchesTheReferenceVectors) {
  EXPECT_EQ(SipHash24(CountingKey(), ""), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(SipHash24(CountingKey(), CountingMessage(8)), 0x93f5f5799a932462ULL);
}

TEST(SipHashTest, AnotherKeyGivesAnotherHash) {
  SipKey other = CountingKey();
  other[15] ^= 1;
  EXPECT_NE(SipHash24(other, CountingMessage(15)), SipHash24(CountingKey(), CountingMessage(15)));
}

}  // namespace
}  // namespace kb
