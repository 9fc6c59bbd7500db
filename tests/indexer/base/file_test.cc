#include "indexer/base/file.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"

namespace kb {
namespace {

TEST(ReadFileTest, ReadsEveryByte) {
  TempDir tmp("kb-file");
  const std::string path = tmp.path() + "/a.bin";
  const std::string bytes("x\0y\r\n\xff", 6);
  ASSERT_TRUE(WriteFileAtomic(path, bytes).has_value());
  auto read = ReadFile(path);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, bytes);
}

TEST(ReadFileTest, NamesAMissingFileAndRefusesADirectory) {
  TempDir tmp("kb-file");
  auto missing = ReadFile(tmp.path() + "/none");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "cannot read " + tmp.path() + "/none: No such file or directory");
  auto dir = ReadFile(tmp.path());
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(dir.error().message(), tmp.path() + " is a directory");
}

TEST(WriteFileAtomicTest, ReplacesTheFileAndCreatesItsDirectory) {
  TempDir tmp("kb-file");
  const std::string path = tmp.path() + "/sub/dir/f.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "old").has_value());
  ASSERT_TRUE(WriteFileAtomic(path, "new", {.durable = false}).has_value());
  EXPECT_EQ(ReadFile(path).value_or(""), "new");
  // Nothing is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp.path() + "/sub/dir")) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomicTest, AFailedWriteLeavesTheOldFile) {
  // A path under a regular file fails for every user, root included.
  TempDir tmp("kb-file");
  const std::string file = tmp.path() + "/plain";
  ASSERT_TRUE(WriteFileAtomic(file, "kept").has_value());
  auto r = WriteFileAtomic(file + "/child", "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message().rfind("cannot write " + file + "/child: ", 0), 0u) << r.error().message();
  EXPECT_EQ(ReadFile(file).value_or(""), "kept");
}

}  // namespace
}  // namespace kb
