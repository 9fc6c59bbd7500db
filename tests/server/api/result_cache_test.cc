#include "server/api/result_cache.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

search::SearchResponse WithTotal(int total) {
  search::SearchResponse r;
  r.total_estimate = total;
  return r;
}

TEST(ResultCacheTest, EvictsTheLeastRecentlyUsed) {
  ResultCache cache(2);
  cache.Put("a", 1, WithTotal(1));
  cache.Put("b", 1, WithTotal(2));
  ASSERT_TRUE(cache.Get("a", 1).has_value());  // a is now the most recent
  cache.Put("c", 1, WithTotal(3));
  EXPECT_FALSE(cache.Get("b", 1).has_value());
  EXPECT_EQ(cache.Get("a", 1)->total_estimate, 1);
  EXPECT_EQ(cache.Get("c", 1)->total_estimate, 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ResultCacheTest, ANewIndexEmptiesIt) {
  ResultCache cache(10);
  cache.Put("a", 1, WithTotal(1));
  EXPECT_FALSE(cache.Get("a", 2).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ResultCacheTest, ZeroCapacityKeepsNothing) {
  ResultCache cache(0);
  cache.Put("a", 1, WithTotal(1));
  EXPECT_FALSE(cache.Get("a", 1).has_value());
}

}  // namespace
}  // namespace kb::api
