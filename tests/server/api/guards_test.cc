#include "server/api/guards.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

TEST(GuardsTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(GuardsTest, KeyMatchesNeverAcceptsEmpty) {
  EXPECT_TRUE(KeyMatches("k2", {"k1", "k2"}));
  EXPECT_FALSE(KeyMatches("k3", {"k1", "k2"}));
  EXPECT_FALSE(KeyMatches("", {""}));
}

TEST(GuardsTest, BearerKey) {
  EXPECT_EQ(BearerKey("Bearer abc"), "abc");
  EXPECT_EQ(BearerKey("bearer  abc "), "abc");
  EXPECT_EQ(BearerKey("Basic abc"), "");
  EXPECT_EQ(BearerKey("Bearer "), "");
}

TEST(GuardsTest, TokenBucketRefillsAtTheRate) {
  RateLimiter limiter(2, 3);  // 2 a second, burst 3
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.Take("a", t0), 0);
  EXPECT_EQ(limiter.Take("a", t0), 0);
  EXPECT_EQ(limiter.Take("a", t0), 0);
  EXPECT_EQ(limiter.Take("a", t0), 1);  // empty: half a second to the next token, rounded up
  EXPECT_EQ(limiter.Take("b", t0), 0);  // another client has its own bucket
  EXPECT_EQ(limiter.Take("a", t0 + std::chrono::milliseconds(500)), 0);
  EXPECT_EQ(limiter.Take("a", t0 + std::chrono::milliseconds(500)), 1);
}

TEST(GuardsTest, ZeroRateTurnsLimitsOff) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Take("a"), 0);
}

TEST(GuardsTest, Origins) {
  EXPECT_TRUE(OriginAllowed("https://a.example", {"https://a.example"}));
  EXPECT_FALSE(OriginAllowed("https://b.example", {"https://a.example"}));
  EXPECT_TRUE(OriginAllowed("https://b.example", {"*"}));
  EXPECT_FALSE(OriginAllowed("", {"*"}));
}

}  // namespace
}  // namespace kb::api
