#include "server/analytics/report.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"

namespace kb::analytics {
namespace {

// 2026-11-01T00:00:00Z.
constexpr std::int64_t kT0 = 1'793'491'200'000;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_.path() + "/events.sqlite";
    auto store = OpenSqliteEventStore(path_);
    ASSERT_TRUE(store.has_value());
    std::vector<Event> events(3);
    events[0].event_id = "1";
    events[0].type = EventType::kSearch;
    events[0].session_id = "s1";
    events[0].query_id = "q1";
    events[0].query = "reset, password";  // a comma, for CSV quoting
    events[0].result_count = 0;
    events[0].time_ms = kT0 + 1000;
    events[1] = events[0];
    events[1].event_id = "2";
    events[1].type = EventType::kView;
    events[1].article_id = "reset-password";
    events[2] = events[0];
    events[2].event_id = "3";
    events[2].type = EventType::kEscalate;
    ASSERT_TRUE((*store)->Append(std::move(events)).has_value());
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunReport(args, kT0 + 2 * kDayMs, out_, err_);
  }

  TempDir tmp_{"report"};
  std::string path_;
  std::ostringstream out_, err_;
};

TEST_F(ReportTest, PrintsJsonCsvAndATable) {
  ASSERT_EQ(Run({"--events", path_, "--format", "json"}), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["help_sessions"], 1);
  EXPECT_EQ(j["escalated_sessions"], 1);
  EXPECT_EQ(j["deflection_rate"], 0.0);
  EXPECT_EQ(j["from"], "2026-10-04T00:00:00.001Z");  // 30 days before "now", included

  ASSERT_EQ(Run({"--events", path_, "--format", "csv", "--from", "2026-11-01", "--to", "2026-11-01"}), 0);
  const std::string csv = out_.str();
  EXPECT_TRUE(csv.starts_with("section,item,metric,value\nsummary,,help_sessions,1\nsummary,,escalated_sessions,1\n"
                              "summary,,deflection_rate,0\nsummary,,self_service_ratio,1\n"))
      << csv;
  EXPECT_NE(csv.find("content_gaps,\"reset, password\",zero_result_searches,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("articles,reset-password,views,1\n"), std::string::npos) << csv;

  ASSERT_EQ(Run({"--events", path_}), 0);
  const std::string table = out_.str();
  EXPECT_NE(table.find("  deflection rate            0.0%\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  self-service ratio        1.0:1\n"), std::string::npos) << table;
}

TEST_F(ReportTest, BadUsageExitsWithTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_TRUE(err_.str().starts_with("kb-server report: --events FILE is required\nusage: kb-server report"));
  EXPECT_EQ(Run({"--events", path_, "--format", "xml"}), 2);
  EXPECT_EQ(err_.str(), "kb-server report: --format must be table, csv or json, got 'xml'\n");
  EXPECT_EQ(Run({"--events", path_, "--from", "yesterday"}), 2);
  EXPECT_EQ(err_.str(),
            "kb-server report: --from: 'yesterday' is not an ISO 8601 date or date-time such as 2026-11-23 or "
            "2026-11-23T10:00:00Z\n");
  EXPECT_EQ(Run({"--events", path_, "--verbose"}), 2);
  EXPECT_TRUE(err_.str().starts_with("kb-server report: unknown flag --verbose\n"));
  EXPECT_EQ(Run({"--events", path_, "--attribution-window", "soon"}), 2);
  EXPECT_EQ(err_.str(),
            "kb-server report: --attribution-window: 'soon' is not a duration: use a positive number with ms, s, m, h or "
            "d, such as 24h\n");
}

TEST_F(ReportTest, AMissingStoreIsAnError) {
  EXPECT_EQ(Run({"--events", tmp_.path() + "/none.sqlite"}), 1);
  EXPECT_EQ(err_.str(), "kb-server report: no event store at " + tmp_.path() + "/none.sqlite\n");
}

}  // namespace
}  // namespace kb::analytics
