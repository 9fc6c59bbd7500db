// Every input under tests/fuzz/<target>/ (the seed corpus, and in
// regressions/ each input a fuzzer once failed on) through its target, with
// the target's checks: what was fixed stays fixed, in every build.
#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "indexer/base/file.h"
#include "tests/fuzz/bundled_index.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {
namespace {

namespace fs = std::filesystem;

}  // namespace

// Names the target in test output.
void PrintTo(const FuzzTarget& target, std::ostream* os) { *os << target.name; }

namespace {

struct InvariantFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<fs::path> Inputs(std::string_view target) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(SourcePath("tests/fuzz")) / target;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class FuzzReplayTest : public ::testing::TestWithParam<FuzzTarget> {
 protected:
  void SetUp() override {
    SetFailureHandler([](const std::string& message) { throw InvariantFailure(message); });
  }
  void TearDown() override { SetFailureHandler(nullptr); }
};

TEST_P(FuzzReplayTest, EverySeedAndRegressionHoldsTheTargetsChecks) {
  const FuzzTarget& target = GetParam();
  const std::vector<fs::path> inputs = Inputs(target.name);
  ASSERT_GE(inputs.size(), 5u) << "too few seeds for " << target.name;
  for (const fs::path& path : inputs) {
    auto input = ReadFile(path.string());
    ASSERT_TRUE(input.has_value()) << input.error().ToString();
    EXPECT_LE(input->size(), target.max_len) << path << " is longer than the fuzzer's -max_len";
    try {
      target.run(*input);
    } catch (const InvariantFailure& e) {
      ADD_FAILURE() << path << ": " << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest, ::testing::ValuesIn(Targets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& info) { return std::string(info.param.name); });

// The build's list of fuzz executables, the targets' table and the folders
// of inputs name the same targets.
TEST(FuzzTargetsTest, TheBuildTheTableAndTheFoldersAgree) {
  std::set<std::string> table, folders, build;
  for (const FuzzTarget& t : Targets()) table.insert(std::string(t.name));
  for (const auto& entry : fs::directory_iterator(SourcePath("tests/fuzz"))) {
    if (entry.is_directory()) folders.insert(entry.path().filename().string());
  }
  const std::string names = KB_FUZZ_TARGET_NAMES;  // "a,b,c"
  for (std::size_t pos = 0; pos <= names.size();) {
    const std::size_t end = std::min(names.find(',', pos), names.size());
    build.insert(names.substr(pos, end - pos));
    pos = end + 1;
  }
  EXPECT_EQ(table, folders);
  EXPECT_EQ(table, build);
}

// The targets' check of what a public request is proposed: "dunning" is a
// word of an internal runbook only, "password" and "reset" are public.
TEST(FuzzTargetsTest, NonPublicTermNamesAWordOnlyInternalArticlesHave) {
  EXPECT_EQ(NonPublicTerm("dunning", "dunnig"), "dunning");
  EXPECT_EQ(NonPublicTerm("reset Dunning", "reset dunnig"), "dunning");
  EXPECT_EQ(NonPublicTerm("dunning", "dunning"), std::nullopt);  // typed, so echoed
  EXPECT_EQ(NonPublicTerm("reset password", "resett pasword"), std::nullopt);
  EXPECT_EQ(NonPublicTerm("", "dunnig"), std::nullopt);
  EXPECT_EQ(NonPublicTerm("restapi", "resapi"), std::nullopt);  // a public article's "REST-API"
}

}  // namespace
}  // namespace kb::fuzz
