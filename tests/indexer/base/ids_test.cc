#include "indexer/base/ids.h"

#include <set>

#include <gtest/gtest.h>

#include "indexer/base/strings.h"
#include "indexer/base/utf8.h"

namespace kb {
namespace {

bool IsLowerHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

TEST(IdsTest, RandomHexHasTheLengthAskedFor) {
  EXPECT_EQ(RandomHex(1).size(), 2u);
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_EQ(RandomHex(21).size(), 42u);
  EXPECT_TRUE(IsLowerHex(RandomHex(21)));
}

TEST(IdsTest, RandomIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(RandomId());
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(ids.begin()->size(), 32u);
  EXPECT_TRUE(IsLowerHex(*ids.begin()));
}

TEST(IdsTest, TimeOrderedIdsStartWithTheTime) {
  const std::string a = TimeOrderedId(0x0123456789ab);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.substr(0, 12), "0123456789ab");
  EXPECT_TRUE(IsLowerHex(a));
  EXPECT_LT(TimeOrderedId(1000), TimeOrderedId(1001));
}

TEST(StringsTest, BlankIsOnlyWhiteSpace) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n\f\v"));
  EXPECT_FALSE(IsBlank("  a "));
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("café"), 4u);
  EXPECT_EQ(Utf8Length("パスワード"), 5u);
  EXPECT_EQ(Utf8Length("😀"), 1u);
}

TEST(ToValidUtf8Test, ReplacesEachByteOutsideAValidSequence) {
  EXPECT_EQ(ToValidUtf8("café 😀"), "café 😀");
  EXPECT_EQ(ToValidUtf8("last read: '\xE2\x82'"), "last read: '\uFFFD\uFFFD'");  // a cut "€"
  EXPECT_EQ(ToValidUtf8("a\x85" "b\xC0\xAF"), "a\uFFFD" "b\uFFFD\uFFFD");  // a stray byte, an overlong "/"
  EXPECT_EQ(ToValidUtf8(""), "");
}

}  // namespace
}  // namespace kb
