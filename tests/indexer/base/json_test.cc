#include "indexer/base/json.h"

#include <string>

#include <gtest/gtest.h>

namespace kb {
namespace {

using Json = nlohmann::json;

TEST(ParseJsonTest, ParsesAValue) {
  auto v = ParseJson(R"({"a": [1, 2.5, "x"], "b": null})");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ(*v, (Json{{"a", {1, 2.5, "x"}}, {"b", nullptr}}));
}

TEST(ParseJsonTest, MalformedJsonHasTheLineAndColumnWhereItStops) {
  auto v = ParseJson("{\n  \"a\": 1,\n  \"b\": }\n");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(v.error().where().line, 3);
  EXPECT_EQ(v.error().where().column, 8);
  EXPECT_EQ(v.error().message(),
            "malformed JSON at column 8: syntax error while parsing value - unexpected '}'; expected '[', '{', or a "
            "literal");
}

TEST(ParseJsonTest, ANumberNoDoubleHoldsIsAnErrorAtItsStart) {
  auto v = ParseJson("{\"id\": 7,\n \"body\": 1e999}");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(v.error().where().line, 2);
  EXPECT_EQ(v.error().where().column, 10);
  EXPECT_EQ(v.error().message(), "number out of range at column 10: 1e999 does not fit in a double");

  auto negative = ParseJson("[-1e999]");
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().where().column, 2);
  EXPECT_EQ(negative.error().message(), "number out of range at column 2: -1e999 does not fit in a double");
}

TEST(ParseJsonTest, ALongNumberIsShownShortened) {
  auto v = ParseJson("[" + std::string(400, '9') + "]");  // an integer too long for any type is a double
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().message(),
            "number out of range at column 2: " + std::string(37, '9') + "... does not fit in a double");
}

// nlohmann quotes what it read last, which may end inside a character
// (here U+FFFF, read as the start of a byte-order mark).
TEST(ParseJsonTest, AMessageThatQuotesPartOfACharacterIsValidUtf8) {
  auto v = ParseJson("\xEF\xBF\xBF");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().message(),
            "malformed JSON at column 2: syntax error while parsing value - invalid BOM; must be 0xEF 0xBB 0xBF if "
            "given; last read: '\uFFFD\uFFFD'");
}

TEST(ParseJsonTest, HugeButFiniteNumbersAndDeepNestingAreFine) {
  EXPECT_TRUE(ParseJson("[1e308, -1e308, 18446744073709551615, -9223372036854775808]").has_value());
  EXPECT_TRUE(ParseJson(std::string(10000, '[') + std::string(10000, ']')).has_value());
}

// Checked first, so that no message quotes the bad bytes.
TEST(ParseJsonTest, InvalidUtf8IsAnErrorAtItsByte) {
  auto v = ParseJson("[\"ok\",\n \"a\xFF\"]");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(v.error().where().line, 2);
  EXPECT_EQ(v.error().where().column, 4);
  EXPECT_EQ(v.error().message(), "invalid UTF-8 (byte 0xFF at column 4)");
}

}  // namespace
}  // namespace kb
