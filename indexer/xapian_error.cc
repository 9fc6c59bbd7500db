#include "indexer/xapian_error.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/core.h>
#include <xapian.h>

namespace kb {

namespace {

// Whether `e`, or an error it wraps (Xapian nests them in the description,
// e.g. "Modifications failed (DatabaseError: Error writing block 2 (No space
// left on device))"), comes from the system error `code`.
bool Says(const Xapian::Error& e, const std::string& description, int code) {
  const char* const text = std::strerror(code);
  const char* const own = e.get_error_string();
  if (own != nullptr && std::strcmp(own, text) == 0) return true;
  return description.find(fmt::format("({})", text)) != std::string::npos;
}

}  // namespace

Error FromXapian(const Xapian::Error& e, std::string_view context) {
  const std::string description = e.get_description();
  if (Says(e, description, ENOSPC) || Says(e, description, EDQUOT)) {
    return Error::ResourceExhausted(fmt::format("{}: the disk is full ({})", context, description));
  }
  if (Says(e, description, EROFS) || Says(e, description, EACCES) || Says(e, description, EPERM)) {
    return Error::FailedPrecondition(fmt::format("{}: cannot write there ({})", context, description));
  }
  // Glass reports a garbled block or version file as a DatabaseCorruptError
  // and a short or unreadable table as a plain DatabaseError ("EOF reading
  // block 2"); the subclasses of DatabaseError (locks, a commit under a
  // reader, a missing database) are not damage.
  const std::string_view type = e.get_type();
  const bool reading = description.find(" reading ") != std::string::npos;
  if (type == "DatabaseCorruptError" || (type == "DatabaseError" && reading)) {
    return Error::DataLoss(fmt::format("{}: the index is damaged ({})", context, description));
  }
  return Error::Internal(fmt::format("{}: {}", context, description));
}

}  // namespace kb
