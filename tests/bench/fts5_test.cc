#include "bench/peer/fts5.h"

#include <gtest/gtest.h>

namespace kb::peer {
namespace {

TEST(Fts5OrQueryTest, QuotesWordsAndOrsThem) {
  EXPECT_EQ(Fts5OrQuery("How do I reset \"my\" password?"),
            "\"How\" OR \"do\" OR \"I\" OR \"reset\" OR \"my\" OR \"password\"");
  EXPECT_EQ(Fts5OrQuery("NOT (AND) OR"), "\"NOT\" OR \"AND\" OR \"OR\"");
  EXPECT_EQ(Fts5OrQuery("?! ::"), "");
}

TEST(Fts5IndexTest, RanksWithBm25) {
  auto index = Fts5Index::Open(":memory:");
  ASSERT_TRUE(index.has_value());
  Article a;
  a.id = "a";
  a.title = "Reset your password";
  a.body_text = "Use the reset link.";
  Article b;
  b.id = "b";
  b.title = "Invoices";
  b.body_text = "Your password is not on invoices.";
  ASSERT_TRUE((*index)->Add({a, b}));
  auto hits = (*index)->Search("password reset", 10);
  ASSERT_TRUE(hits.has_value());
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].id, "a");
  EXPECT_EQ((*hits)[0].title, "Reset your password");
  EXPECT_EQ((*hits)[1].id, "b");
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  auto none = (*index)->Search("(zebra) AND", 10);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace kb::peer
