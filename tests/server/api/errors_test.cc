#include "server/api/errors.h"

#include <gtest/gtest.h>

namespace kb::api {
namespace {

TEST(ErrorsTest, OneTableOfCodesAndStatuses) {
  const std::vector<std::tuple<ApiError, std::string, int>> table = {
      {ApiError::kInvalidQuery, "invalid_query", 400},       {ApiError::kQueryTooLong, "query_too_long", 400},
      {ApiError::kInvalidParameter, "invalid_parameter", 400}, {ApiError::kInvalidUtf8, "invalid_utf8", 400},
      {ApiError::kInvalidEvents, "invalid_events", 400},     {ApiError::kBodyTooLarge, "body_too_large", 400},
      {ApiError::kUnauthorized, "unauthorized", 401},        {ApiError::kNotFound, "not_found", 404},
      {ApiError::kMethodNotAllowed, "method_not_allowed", 405}, {ApiError::kRequestTimeout, "request_timeout", 408},
      {ApiError::kConflict, "conflict", 409},                {ApiError::kRateLimited, "rate_limited", 429},
      {ApiError::kHeadersTooLarge, "headers_too_large", 431}, {ApiError::kInternal, "internal", 500},
      {ApiError::kStorageFull, "storage_full", 507},         {ApiError::kUnavailable, "unavailable", 503},
  };
  ASSERT_EQ(table.size(), kApiErrorCount);
  for (const auto& [error, code, status] : table) {
    const HttpResponse r = ErrorResponse(error, "what went wrong");
    EXPECT_EQ(r.status, status) << code;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"what went wrong\"}}");
  }
}

TEST(ErrorsTest, MessagesAreEscaped) {
  EXPECT_EQ(ErrorResponse(ApiError::kNotFound, "no article 'a\"b'").body,
            "{\"error\":{\"code\":\"not_found\",\"message\":\"no article 'a\\\"b'\"}}");
}

TEST(ErrorsTest, LibraryErrorsMapToApiErrors) {
  EXPECT_EQ(ApiErrorFor(Error::InvalidArgument("x")), ApiError::kInvalidParameter);
  EXPECT_EQ(ApiErrorFor(Error::NotFound("x")), ApiError::kNotFound);
  EXPECT_EQ(ApiErrorFor(Error::FailedPrecondition("x")), ApiError::kConflict);
  EXPECT_EQ(ApiErrorFor(Error::Unavailable("x")), ApiError::kUnavailable);
  EXPECT_EQ(ApiErrorFor(Error::ResourceExhausted("x")), ApiError::kStorageFull);
  EXPECT_EQ(ApiErrorFor(Error::DataLoss("x")), ApiError::kInternal);
  EXPECT_EQ(ApiErrorFor(Error::Internal("x")), ApiError::kInternal);
}

}  // namespace
}  // namespace kb::api
