#include "indexer/base/error.h"

#include <fmt/core.h>

namespace kb {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kDataLoss: return "data_loss";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  if (!where_.path.empty() && where_.line > 0) {
    return fmt::format("{}:{}: error: {}", where_.path, where_.line, message_);
  }
  if (!where_.path.empty()) return fmt::format("{}: error: {}", where_.path, message_);
  return fmt::format("{}: {}", ErrorCodeName(code_), message_);
}

}  // namespace kb
