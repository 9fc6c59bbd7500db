#include "server/search/synonym_table.h"

#include <gtest/gtest.h>

namespace kb::search {
namespace {

TEST(SynonymTableTest, IndexesEveryEntryByItsWords) {
  const SynonymTable t = SynonymTable::FromJson(R"([[["sign", "in"], ["log", "in"], ["login"]], [["invoic"], ["bill"]]])");
  EXPECT_EQ(t.entry_group, (std::unordered_map<std::string, std::size_t>{
                               {"sign in", 0}, {"log in", 0}, {"login", 0}, {"invoic", 1}, {"bill", 1}}));
  ASSERT_EQ(t.groups.size(), 2u);
  EXPECT_EQ(t.groups[1], (std::vector<std::vector<std::string>>{{"invoic"}, {"bill"}}));
  EXPECT_EQ(t.longest, 2u);
}

TEST(SynonymTableTest, NoGroupsIsAnEmptyTable) {
  for (const char* text : {"", "not json", "{}", "[]"}) {
    const SynonymTable t = SynonymTable::FromJson(text);
    EXPECT_TRUE(t.entry_group.empty()) << text;
    EXPECT_TRUE(t.groups.empty()) << text;
    EXPECT_EQ(t.longest, 0u) << text;
  }
}

}  // namespace
}  // namespace kb::search
