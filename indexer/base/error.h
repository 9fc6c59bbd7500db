// Error and Result: how every fallible kbsearch function reports failure.
//
// An Error carries a code from a short canonical list, a human message that
// says what was expected and what was found, and optionally the place in an
// input (path, line, column) where the problem is. Callers switch on the code,
// never on the message. Each code has one stable snake_case name (see
// ErrorCodeName) that HTTP responses and tools may rely on.
#ifndef KB_INDEXER_BASE_ERROR_H_
#define KB_INDEXER_BASE_ERROR_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace kb {

enum class ErrorCode {
  kInvalidArgument,     // bad input: a malformed article, query or flag
  kNotFound,            // the thing asked for does not exist
  kFailedPrecondition,  // the system is not in a state to do this
  kUnavailable,         // try again later: a lock is held, a resource is busy
  kResourceExhausted,   // out of something finite, such as disk space: free some, then retry
  kDataLoss,            // stored data is corrupt
  kInternal,            // a broken invariant or an unexpected library failure
};

// The stable snake_case name of `code`, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

// Where in an input a problem is. Lines and columns are 1-based; 0 means
// "not known".
struct SourceLocation {
  std::string path;
  int line = 0;
  int column = 0;
};

class Error {
 public:
  Error(ErrorCode code, std::string message, SourceLocation where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Error InvalidArgument(std::string message, SourceLocation where = {}) {
    return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(where));
  }
  static Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
  static Error FailedPrecondition(std::string message) {
    return Error(ErrorCode::kFailedPrecondition, std::move(message));
  }
  static Error Unavailable(std::string message) { return Error(ErrorCode::kUnavailable, std::move(message)); }
  static Error ResourceExhausted(std::string message) {
    return Error(ErrorCode::kResourceExhausted, std::move(message));
  }
  static Error DataLoss(std::string message) { return Error(ErrorCode::kDataLoss, std::move(message)); }
  static Error Internal(std::string message) { return Error(ErrorCode::kInternal, std::move(message)); }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const SourceLocation& where() const { return where_; }

  // Returns a copy whose location has `path` filled in; parsers know lines,
  // their callers know paths.
  Error WithPath(std::string path) const {
    Error e = *this;
    e.where_.path = std::move(path);
    return e;
  }

  // "path:line: error: message" when a location is known, else
  // "code_name: message".
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  SourceLocation where_;
};

// A value or the Error that explains why there is none. [[nodiscard]]: a
// caller that drops a Result has ignored an error, so the compiler says so.
template <typename T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}  // NOLINT: implicit by design
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}  // NOLINT
};

// Shorthand for returning an error from a function that returns Result<T>.
inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace kb

#endif  // KB_INDEXER_BASE_ERROR_H_
