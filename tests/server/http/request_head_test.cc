// Where a request ends in the bytes received: the head's end, the body's
// length, and what makes it unknown or ambiguous.
#include "server/http/request_head.h"

#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace kb::http {
namespace {

using State = RequestHead::State;

TEST(RequestHeadTest, AHeadIsCompleteAtItsBlankLine) {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t n = 0; n < get.size(); ++n) {
    EXPECT_EQ(ScanRequestHead(get.substr(0, n)).state, State::kIncomplete) << n;
  }
  const RequestHead head = ScanRequestHead(get + "GET /next");
  EXPECT_EQ(head.state, State::kComplete);
  EXPECT_EQ(head.head_bytes, get.size());
  EXPECT_EQ(head.content_length, 0u);
  EXPECT_FALSE(head.length_unknown);
  EXPECT_FALSE(head.expects_continue);
  EXPECT_FALSE(head.ambiguous_length);
  EXPECT_EQ(head.RequestBytes(), get.size());
}

TEST(RequestHeadTest, ContentLengthInAnyCaseAndSpacing) {
  const std::string post = "POST /api/v1/events HTTP/1.1\r\ncontent-LENGTH:   12 \r\nHost: x\r\n\r\n";
  const RequestHead head = ScanRequestHead(post + "{\"events\":[]}");
  EXPECT_EQ(head.state, State::kComplete);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_EQ(head.RequestBytes(), post.size() + 12);
  EXPECT_FALSE(head.ambiguous_length);
}

TEST(RequestHeadTest, EmptyLinesBeforeTheRequestLineAreSkipped) {
  const RequestHead head = ScanRequestHead("\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.state, State::kComplete);
  EXPECT_EQ(head.leading_blank_bytes, 4u);
  EXPECT_EQ(head.head_bytes, 18u);
}

TEST(RequestHeadTest, TransferEncodingMakesTheEndUnknown) {
  RequestHead head = ScanRequestHead("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n");
  EXPECT_EQ(head.state, State::kComplete);
  EXPECT_TRUE(head.length_unknown);
  EXPECT_FALSE(head.ambiguous_length);
  EXPECT_EQ(head.RequestBytes(), std::numeric_limits<std::size_t>::max());
  // With a Content-Length too, which one a peer believes is a matter of
  // opinion: the connection is closed after the answer.
  head = ScanRequestHead("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_TRUE(head.length_unknown);
  EXPECT_TRUE(head.ambiguous_length);
}

TEST(RequestHeadTest, ContentLengthsThatDisagreeOrAreNotNumbersAreAmbiguous) {
  EXPECT_TRUE(ScanRequestHead("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").ambiguous_length);
  EXPECT_FALSE(ScanRequestHead("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n").ambiguous_length);
  for (const char* value : {"-1", "3a", "", "0x10", "99999999999999999999999"}) {
    const RequestHead head = ScanRequestHead(std::string("POST / HTTP/1.1\r\nContent-Length: ") + value + "\r\n\r\n");
    EXPECT_TRUE(head.ambiguous_length) << value;
    EXPECT_EQ(head.content_length, 0u) << value;
  }
}

TEST(RequestHeadTest, ExpectContinueIsNoticed) {
  const RequestHead head = ScanRequestHead("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n");
  EXPECT_TRUE(head.expects_continue);
  EXPECT_EQ(head.content_length, 9u);
}

TEST(RequestHeadTest, AHeadOverTheLimitIsTooLarge) {
  const std::string start = "GET / HTTP/1.1\r\nX-Long: ";
  // Exactly at the limit, blank line included: complete.
  std::string head = start + std::string(100 - start.size() - 4, 'a') + "\r\n\r\n";
  ASSERT_EQ(head.size(), 100u);
  EXPECT_EQ(ScanRequestHead(head, 100).state, State::kComplete);
  head = start + std::string(100 - start.size() - 3, 'a') + "\r\n\r\n";
  EXPECT_EQ(ScanRequestHead(head, 100).state, State::kTooLarge);
  // Still arriving, and already over it.
  EXPECT_EQ(ScanRequestHead(start + std::string(100, 'a'), 100).state, State::kTooLarge);
  EXPECT_EQ(ScanRequestHead(start + std::string(50, 'a'), 100).state, State::kIncomplete);
  EXPECT_EQ(ScanRequestHead(start + std::string(kMaxHeadBytes, 'a')).state, State::kTooLarge);
}

}  // namespace
}  // namespace kb::http
