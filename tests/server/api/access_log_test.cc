// AccessLog: one JSON line per request, clients only as a salted hash.
#include "server/api/access_log.h"

#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "indexer/base/temp_dir.h"

namespace kb::api {
namespace {

using json = nlohmann::json;

// A request whose connection comes from `peer`; the log is told its client.
HttpRequest Request(std::string method, std::string path, std::string peer = "10.0.0.2") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.client = std::move(peer);
  r.params = {{"q", "reset password"}};  // never logged
  return r;
}

std::vector<json> Lines(const std::string& path) {
  std::vector<json> lines;
  std::istringstream in(ReadFile(path).value_or(""));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

const std::regex kTimestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
const std::regex kHash("[0-9a-f]{16}");

TEST(AccessLogTest, OneLinePerRequestWithTheClientHashed) {
  TempDir tmp("access-log");
  const std::string path = tmp.path() + "/access.log";
  auto log = AccessLog::Open(path);
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  (*log)->Request(Request("GET", "/api/v1/search"), "192.0.2.7", Route::kSearch, 200, 0.0012345);
  (*log)->Request(Request("POST", "/api/v1/events"), "192.0.2.7", Route::kEvents, 202, 0.5);
  (*log)->Request(Request("GET", "/nope"), "198.51.100.9", Route::kUnmatched, 404, 0);
  // The client is what counts, not the connection's peer (a proxy).
  (*log)->Request(Request("GET", "/", "10.0.0.3"), "192.0.2.7", Route::kStatic, 200, 0);
  (*log)->Flush();

  const std::vector<json> lines = Lines(path);
  ASSERT_EQ(lines.size(), 4u);
  json first = lines[0];
  EXPECT_TRUE(std::regex_match(first["ts"].get<std::string>(), kTimestamp)) << first;
  EXPECT_TRUE(std::regex_match(first["client"].get<std::string>(), kHash)) << first;
  first.erase("ts");
  first.erase("client");
  EXPECT_EQ(first, (json{{"method", "GET"}, {"path", "/api/v1/search"}, {"route", "search"}, {"status", 200}, {"ms", 1.235}}));
  EXPECT_EQ(lines[1]["route"], "events");
  EXPECT_EQ(lines[1]["ms"], 500.0);
  EXPECT_EQ(lines[2]["status"], 404);
  // One client's requests share a hash; another client's differs.
  EXPECT_EQ(lines[0]["client"], lines[1]["client"]);
  EXPECT_NE(lines[0]["client"], lines[2]["client"]);
  EXPECT_EQ(lines[0]["client"], lines[3]["client"]);
  const std::string text = ReadFile(path).value_or("");
  EXPECT_EQ(text.find("192.0.2.7"), std::string::npos) << text;
  EXPECT_EQ(text.find("10.0.0."), std::string::npos) << text;
  EXPECT_EQ(text.find("reset password"), std::string::npos) << text;
}

TEST(AccessLogTest, TheSaltIsNewForEachLog) {
  TempDir tmp("access-log");
  auto a = AccessLog::Open(tmp.path() + "/a.log");
  auto b = AccessLog::Open(tmp.path() + "/b.log");
  ASSERT_TRUE(a.has_value() && b.has_value());
  (*a)->Request(Request("GET", "/"), "192.0.2.7", Route::kStatic, 200, 0);
  (*b)->Request(Request("GET", "/"), "192.0.2.7", Route::kStatic, 200, 0);
  a->reset();  // flushes and closes
  b->reset();
  EXPECT_NE(Lines(tmp.path() + "/a.log")[0]["client"], Lines(tmp.path() + "/b.log")[0]["client"]);
}

TEST(AccessLogTest, ProblemsOfTheServerGoInTheSameLog) {
  TempDir tmp("access-log");
  const std::string path = tmp.path() + "/access.log";
  auto log = AccessLog::Open(path);
  ASSERT_TRUE(log.has_value());
  (*log)->Problem("purge_error", "database is \"locked\"");
  log->reset();
  const std::vector<json> lines = Lines(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(std::regex_match(lines[0]["ts"].get<std::string>(), kTimestamp));
  EXPECT_EQ(lines[0].size(), 2u);
  EXPECT_EQ(lines[0]["purge_error"], "database is \"locked\"");
}

TEST(AccessLogTest, AppendsToWhatIsThere) {
  TempDir tmp("access-log");
  const std::string path = tmp.path() + "/access.log";
  for (int i = 0; i < 2; ++i) {
    auto log = AccessLog::Open(path);
    ASSERT_TRUE(log.has_value());
    (*log)->Request(Request("GET", "/healthz"), "192.0.2.7", Route::kHealthz, 200, 0);
  }
  EXPECT_EQ(Lines(path).size(), 2u);
}

TEST(AccessLogTest, NoTargetLogsNothing) {
  auto log = AccessLog::Open("");
  ASSERT_TRUE(log.has_value());
  (*log)->Request(Request("GET", "/"), "192.0.2.7", Route::kStatic, 200, 0);
  (*log)->Problem("purge_error", "x");
  (*log)->Flush();
}

TEST(AccessLogTest, AnUnwritablePathIsAnError) {
  auto log = AccessLog::Open("/nonexistent-dir/access.log");
  ASSERT_FALSE(log.has_value());
  EXPECT_EQ(log.error().ToString(), "failed_precondition: cannot open access log /nonexistent-dir/access.log");
}

}  // namespace
}  // namespace kb::api
