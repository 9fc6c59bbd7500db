#include "indexer/base/caught.h"

#include <new>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

namespace kb {
namespace {

template <typename F>
Error Catch(F throw_it) {
  try {
    throw_it();
  } catch (...) {
    return CaughtError("building");
  }
  return Error::Internal("nothing was thrown");
}

TEST(CaughtErrorTest, SaysWhatEveryKindOfExceptionSays) {
  const Error std_error = Catch([] { throw std::runtime_error("disk on fire"); });
  EXPECT_EQ(std_error.code(), ErrorCode::kInternal);
  EXPECT_EQ(std_error.message(), "building: disk on fire");
  // Xapian's errors are not std::exceptions.
  EXPECT_EQ(Catch([] { throw Xapian::DatabaseCorruptError("bad block 7"); }).message(),
            "building: DatabaseCorruptError: bad block 7");
  EXPECT_EQ(Catch([] { throw std::bad_alloc(); }).message(), "building: out of memory");
  EXPECT_EQ(Catch([] { (void)nlohmann::json("\x85").dump(); }).message(),
            "building: [json.exception.type_error.316] invalid UTF-8 byte at index 0: 0x85");
  EXPECT_EQ(Catch([] { throw 42; }).message(), "building: an exception of unknown type");
}

TEST(RunMainTest, ReturnsTheBodysStatus) {
  std::ostringstream err;
  EXPECT_EQ(RunMain("kb-index", err, [] { return 2; }), 2);
  EXPECT_EQ(err.str(), "");
}

TEST(RunMainTest, AnExceptionIsPrintedAndExitsOne) {
  std::ostringstream err;
  EXPECT_EQ(RunMain("kb-index", err, []() -> int { throw Xapian::DatabaseOpeningError("cannot open"); }), 1);
  EXPECT_EQ(err.str(), "kb-index: internal error: DatabaseOpeningError: cannot open\n");
  err.str("");
  EXPECT_EQ(RunMain("kb-server", err, []() -> int { throw std::out_of_range("number overflow"); }), 1);
  EXPECT_EQ(err.str(), "kb-server: internal error: number overflow\n");
}

}  // namespace
}  // namespace kb
