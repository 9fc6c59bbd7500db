#include "indexer/base/caught.h"

#include <exception>
#include <new>

#include <fmt/core.h>
#include <xapian.h>

namespace kb {

Error CaughtError(std::string_view context) {
  std::string what;
  try {
    throw;
  } catch (const Xapian::Error& e) {  // not a std::exception
    what = e.get_description();
  } catch (const std::bad_alloc&) {
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception of unknown type";
  }
  return Error::Internal(fmt::format("{}: {}", context, what));
}

int RunMain(std::string_view program, std::ostream& err, const std::function<int()>& body) {
  try {
    return body();
  } catch (...) {
    err << CaughtError(fmt::format("{}: internal error", program)).message() << "\n";
    return 1;
  }
}

}  // namespace kb
