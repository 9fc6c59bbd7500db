#include "indexer/base/flags.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

struct Parsed {
  std::string corpus, index;
  bool corpus_given = false, full = false;
  std::vector<std::string> words;
};

Result<Parsed> Parse(const std::vector<std::string>& args, bool positional = true) {
  Parsed p;
  FlagParser flags;
  flags.Value("corpus", &p.corpus, &p.corpus_given).Value("index", &p.index).Switch("full", &p.full);
  if (positional) flags.Positional(&p.words);
  if (auto r = flags.Parse(args); !r) return Fail(r.error());
  return p;
}

TEST(FlagParserTest, TakesValuesSwitchesAndPositionalArguments) {
  auto p = Parse({"--corpus", "c", "can't", "--index=i", "--full", "sign", "in"});
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_EQ(p->corpus, "c");
  EXPECT_TRUE(p->corpus_given);
  EXPECT_EQ(p->index, "i");
  EXPECT_TRUE(p->full);
  EXPECT_EQ(p->words, (std::vector<std::string>{"can't", "sign", "in"}));
}

TEST(FlagParserTest, DefaultsStayWhenFlagsAreNotGiven) {
  auto p = Parse({});
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->corpus_given);
  EXPECT_FALSE(p->full);
  EXPECT_TRUE(p->words.empty());
}

TEST(FlagParserTest, TheLastOfARepeatedFlagWins) {
  auto p = Parse({"--index", "a", "--index", "b"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->index, "b");
}

TEST(FlagParserTest, EverythingAfterADoubleDashIsPositional) {
  auto p = Parse({"--corpus", "c", "--", "--full", "-x"});
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_FALSE(p->full);
  EXPECT_EQ(p->words, (std::vector<std::string>{"--full", "-x"}));
}

TEST(FlagParserTest, ErrorsSayWhatWasWrong) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--verbose"}, "unknown flag --verbose"},
      {{"--into=x"}, "unknown flag --into"},
      {{"--corpus"}, "flag --corpus needs a value"},
      {{"--corpus", "--full"}, "flag --corpus needs a value"},
  };
  for (const auto& [args, message] : cases) {
    auto p = Parse(args);
    ASSERT_FALSE(p.has_value()) << message;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(p.error().message(), message);
  }
  auto extra = Parse({"--corpus", "c", "extra"}, /*positional=*/false);
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().message(), "unexpected argument 'extra'");
}

}  // namespace
}  // namespace kb
