#include "indexer/base/progress.h"

#include <sstream>

#include <gtest/gtest.h>

namespace kb {
namespace {

using std::chrono::milliseconds;

TEST(ProgressTest, PlainLinesEveryTwoSecondsWhenNotATerminal) {
  std::ostringstream out;
  Progress p(out, /*terminal=*/false, "indexing", "articles");
  const auto t0 = Progress::Clock::now();
  p.Update(100, 1000, t0 + milliseconds(500));   // too soon: nothing
  p.Update(400, 1000, t0 + milliseconds(2100));  // a line
  p.Update(500, 1000, t0 + milliseconds(2500));  // too soon again
  p.Update(1000, 1000, t0 + milliseconds(3000)); // the last one always
  p.Finish();
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("indexing: 400/1000 articles (40%), "), std::string::npos) << text;
  EXPECT_NE(text.find("indexing: 1000/1000 articles (100%), "), std::string::npos) << text;
  EXPECT_NE(text.find("ETA done\n"), std::string::npos) << text;
}

TEST(ProgressTest, AShortJobPrintsNothing) {
  std::ostringstream out;
  Progress p(out, /*terminal=*/false, "indexing", "articles");
  p.Update(10, 10, Progress::Clock::now() + milliseconds(50));
  p.Finish();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, ABarOnATerminal) {
  std::ostringstream out;
  Progress p(out, /*terminal=*/true, "indexing", "articles");
  EXPECT_EQ(p.Line(50, 100, 2.0), "indexing [###############...............]  50% 50/100 articles  25/s  ETA 2 s");
  const auto t0 = Progress::Clock::now();
  p.Update(50, 100, t0 + milliseconds(200));
  p.Update(100, 100, t0 + milliseconds(250));
  p.Finish();
  const std::string text = out.str();
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\r\x1b[K"), 0u);
  EXPECT_NE(text.find("100% 100/100 articles"), std::string::npos) << text;
}

}  // namespace
}  // namespace kb
