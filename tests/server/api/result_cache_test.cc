#include "server/api/result_cache.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

ResultCache::Value WithTotal(int total) {
  return std::make_shared<const CachedResults>(CachedResults{std::to_string(total), total});
}

TEST(ResultCacheTest, EvictsTheLeastRecentlyUsed) {
  ResultCache cache(2);
  cache.Put("a", 1, WithTotal(1));
  cache.Put("b", 1, WithTotal(2));
  ASSERT_NE(cache.Get("a", 1), nullptr);  // a is now the most recent
  cache.Put("c", 1, WithTotal(3));
  EXPECT_EQ(cache.Get("b", 1), nullptr);
  EXPECT_EQ(cache.Get("a", 1)->json, "1");
  EXPECT_EQ(cache.Get("c", 1)->total, 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ResultCacheTest, ANewIndexEmptiesIt) {
  ResultCache cache(10);
  cache.Put("a", 1, WithTotal(1));
  EXPECT_EQ(cache.Get("a", 2), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ResultCacheTest, ZeroCapacityKeepsNothing) {
  ResultCache cache(0);
  cache.Put("a", 1, WithTotal(1));
  EXPECT_EQ(cache.Get("a", 1), nullptr);
}

}  // namespace
}  // namespace kb::api
