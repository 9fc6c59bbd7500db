// What an exception becomes when it reaches a boundary of ours: the top of
// a thread, a request handler, a command's main. Library code throws
// (nlohmann, yaml-cpp, Xapian, the standard library); nothing of it may end
// the process, so each boundary catches everything and reports this Error.
#ifndef KB_INDEXER_BASE_CAUGHT_H_
#define KB_INDEXER_BASE_CAUGHT_H_

#include <functional>
#include <ostream>
#include <string_view>

#include "indexer/base/error.h"

namespace kb {

// The exception being handled, as kInternal "`context`: what it says": a
// std::exception's what(), a Xapian::Error's description, or, for anything
// else thrown, that it was of an unknown type.
// REQUIRES: called inside a catch block.
Error CaughtError(std::string_view context);

// Runs the body of a command's main() and returns its exit status; an
// exception that escapes it is printed to `err` as "`program`: internal
// error: what it says" and gives status 1.
int RunMain(std::string_view program, std::ostream& err, const std::function<int()>& body);

}  // namespace kb

#endif  // KB_INDEXER_BASE_CAUGHT_H_
