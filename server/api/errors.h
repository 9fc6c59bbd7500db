// The one table of API error codes: each has a stable snake_case name, which
// clients switch on, and an HTTP status. Every error response has the shape
// {"error": {"code": "...", "message": "..."}}.
#ifndef KB_SERVER_API_ERRORS_H_
#define KB_SERVER_API_ERRORS_H_

#include <cstddef>
#include <string_view>

#include "indexer/base/error.h"
#include "server/api/http_types.h"

namespace kb::api {

enum class ApiError {
  kInvalidQuery,       // 400: q missing or empty
  kQueryTooLong,       // 400: q longer than limits.max_query_chars
  kInvalidParameter,   // 400: a parameter has a value outside its range
  kInvalidUtf8,        // 400: a parameter or the path is not valid UTF-8
  kInvalidEvents,      // 400: an event batch was refused; "details" lists each problem
  kBodyTooLarge,       // 400: the body is over limits.max_body_bytes
  kUnauthorized,       // 401: a key is missing where needed, or unknown
  kNotFound,           // 404: no such route or article
  kMethodNotAllowed,   // 405
  kRequestTimeout,     // 408: the request's head or body did not arrive in time
  kConflict,           // 409: a reindex is already running
  kRateLimited,        // 429: with Retry-After
  kHeadersTooLarge,    // 431: the request head is over its size limit
  kInternal,           // 500
  kStorageFull,        // 507: the disk is full; nothing of the request was stored
  kUnavailable,        // 503: no index loaded, or too many connections; keep last (kApiErrorCount)
};
inline constexpr std::size_t kApiErrorCount = static_cast<std::size_t>(ApiError::kUnavailable) + 1;

struct ApiErrorInfo {
  std::string_view code;
  int status;
};

const ApiErrorInfo& InfoOf(ApiError error);

// The JSON error response for `error`.
HttpResponse ErrorResponse(ApiError error, std::string_view message);

// The same, with "details": a JSON array (serialised) of what was wrong.
HttpResponse ErrorResponse(ApiError error, std::string_view message, std::string_view details_json);

// Seconds a 503 asks the client to wait (Retry-After).
inline constexpr int kRetryAfterS = 5;

// The response for a library error: ErrorResponse(ApiErrorFor(e), message),
// with Retry-After for kUnavailable.
HttpResponse ErrorResponse(const Error& error);

// The API error for a library error: invalid_argument -> invalid_parameter,
// not_found -> not_found, failed_precondition (e.g. a reindex already
// running) -> conflict, unavailable -> unavailable, data_loss and internal
// -> internal, resource_exhausted (a full disk) -> storage_full.
ApiError ApiErrorFor(const Error& error);

}  // namespace kb::api

#endif  // KB_SERVER_API_ERRORS_H_
