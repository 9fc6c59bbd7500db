#include "server/analytics/summary.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "server/analytics/event_store.h"

namespace kb::analytics {
namespace {

// 2026-11-01T00:00:00Z.
constexpr std::int64_t kT0 = 1'793'491'200'000;
constexpr std::int64_t kMin = 60'000;

// Builds events with explicit times, as the server would have stamped them.
class Stream {
 public:
  Event& Add(EventType type, std::string session, Channel channel, std::int64_t at) {
    Event e;
    e.event_id = fmt::format("e{}", next_id_++);
    e.type = type;
    e.session_id = std::move(session);
    e.channel = channel;
    e.time_ms = at;
    events_.push_back(std::move(e));
    return events_.back();
  }
  Event& Search(std::string session, std::string query_id, std::string query, std::int64_t results, std::int64_t at,
                Channel channel = Channel::kWidget) {
    Event& e = Add(EventType::kSearch, std::move(session), channel, at);
    e.query_id = std::move(query_id);
    e.query = std::move(query);
    e.result_count = results;
    return e;
  }
  Event& Click(std::string session, std::string query_id, std::string article, int position, std::int64_t at,
               Channel channel = Channel::kWidget) {
    Event& e = Add(EventType::kClick, std::move(session), channel, at);
    e.query_id = std::move(query_id);
    e.article_id = std::move(article);
    e.position = position;
    return e;
  }
  Event& View(std::string session, std::string article, std::int64_t at, Channel channel = Channel::kWidget) {
    Event& e = Add(EventType::kView, std::move(session), channel, at);
    e.article_id = std::move(article);
    return e;
  }
  Event& Escalate(std::string session, std::int64_t at) {
    return Add(EventType::kEscalate, std::move(session), Channel::kWidget, at);
  }
  std::vector<Event> Take() { return std::move(events_); }

 private:
  std::vector<Event> events_;
  int next_id_ = 0;
};

class SummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteEventStore(tmp_.path() + "/events.sqlite");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  void Store(Stream& s) {
    auto r = store_->Append(s.Take());
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }

  Summary Run(std::int64_t from, std::int64_t to, std::optional<Channel> channel = std::nullopt,
              std::string language = "") {
    SummaryRequest r;
    r.filter = {from, to, channel, std::move(language)};
    r.window_ms = kDayMs;
    auto s = Summarise(*store_, r);
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return s.value_or(Summary{});
  }

  TempDir tmp_{"summary"};
  std::unique_ptr<EventStore> store_;
};

TEST_F(SummaryTest, NoSessionsMeansNullRates) {
  const Summary s = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(s.help_sessions, 0);
  EXPECT_FALSE(s.deflection_rate.has_value());
  EXPECT_FALSE(s.self_service_ratio.has_value());
  EXPECT_FALSE(s.search_ctr.has_value());
  EXPECT_FALSE(s.avg_click_position.has_value());
}

TEST_F(SummaryTest, EscalationsCountOnlyInsideTheWindow) {
  Stream s;
  s.Search("a", "qa", "refund", 3, kT0 + 10 * kMin);
  s.Escalate("a", kT0 + 10 * kMin + kDayMs - 1);  // inside: just before 24 h
  s.Search("b", "qb", "refund", 3, kT0 + 20 * kMin);
  s.Escalate("b", kT0 + 20 * kMin + kDayMs + 1);  // outside: just after
  s.Search("c", "qc", "invoice", 3, kT0 + 30 * kMin);
  s.Escalate("c", kT0 + 30 * kMin - 1);  // before the session started: not caused by it
  s.View("d", "reset-password", kT0 + 40 * kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.help_sessions, 4);
  EXPECT_EQ(r.escalated_sessions, 1);
  EXPECT_DOUBLE_EQ(*r.deflection_rate, 0.75);
  EXPECT_DOUBLE_EQ(*r.self_service_ratio, 4.0);
}

TEST_F(SummaryTest, ASessionWithOnlyAnEscalationIsNoHelpSession) {
  Stream s;
  s.Search("a", "qa", "refund", 3, kT0 + kMin);
  s.Escalate("x", kT0 + 2 * kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.help_sessions, 1);
  EXPECT_EQ(r.escalated_sessions, 0);
  EXPECT_DOUBLE_EQ(*r.deflection_rate, 1.0);
  EXPECT_FALSE(r.self_service_ratio.has_value());  // nothing escalated
}

TEST_F(SummaryTest, TicketWebhooksEscalateToo) {
  Stream s;
  s.Search("a", "qa", "refund", 3, kT0 + kMin);
  s.Add(EventType::kTicket, "a", Channel::kHelpDesk, kT0 + 5 * kMin);
  s.Search("b", "qb", "refund", 3, kT0 + kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.escalated_sessions, 1);
  EXPECT_DOUBLE_EQ(*r.deflection_rate, 0.5);
  EXPECT_DOUBLE_EQ(*r.self_service_ratio, 2.0);
}

TEST_F(SummaryTest, ASessionBelongsToTheRangeOfItsFirstSelfServiceEvent) {
  Stream s;
  s.Search("early", "q1", "refund", 3, kT0 - kMin);  // started before the range
  s.Search("early", "q2", "refund", 3, kT0 + kMin);
  s.Search("late", "q3", "refund", 3, kT0 + kMin);
  Store(s);
  EXPECT_EQ(Run(kT0, kT0 + kDayMs).help_sessions, 1);
  EXPECT_EQ(Run(kT0 - kDayMs, kT0).help_sessions, 1);
  EXPECT_EQ(Run(kT0 - kDayMs, kT0 + kDayMs).help_sessions, 2);
}

TEST_F(SummaryTest, DuplicateEventIdsAreStoredOnce) {
  Stream s;
  s.Search("a", "qa", "refund", 3, kT0 + kMin);
  std::vector<Event> first = s.Take();
  std::vector<Event> again = first;
  auto r = store_->Append(std::move(first));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 1u);
  r = store_->Append(std::move(again));  // a beacon retried
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 0u);
  EXPECT_EQ(*store_->Count(), 1);
  EXPECT_EQ(Run(kT0, kT0 + kDayMs).searches, 1);
}

TEST_F(SummaryTest, SearchMetrics) {
  Stream s;
  s.Search("a", "q1", "reset password", 5, kT0 + kMin);
  s.Click("a", "q1", "reset-password", 1, kT0 + 2 * kMin);
  s.Click("a", "q1", "login-401", 3, kT0 + 3 * kMin);  // two clicks, one search with a click
  s.Search("b", "q2", "reset password", 5, kT0 + kMin);  // results, no click
  s.Search("c", "q3", "frobnicate", 0, kT0 + kMin);      // no results
  s.Search("d", "q4", "invoice", 2, kT0 + kMin);
  s.Click("d", "q4", "billing", 2, kT0 + 2 * kMin);
  s.Click("e", "nope", "billing", 4, kT0 + 2 * kMin);  // a click without a search
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.searches, 4);
  EXPECT_EQ(r.searches_with_click, 2);
  EXPECT_DOUBLE_EQ(*r.search_ctr, 0.5);
  EXPECT_EQ(r.clicks, 4);
  EXPECT_DOUBLE_EQ(*r.avg_click_position, (1 + 3 + 2 + 4) / 4.0);
  EXPECT_EQ(r.zero_result_searches, 1);
  EXPECT_DOUBLE_EQ(*r.zero_result_rate, 0.25);
  EXPECT_EQ(r.no_click_searches, 1);
  EXPECT_DOUBLE_EQ(*r.no_click_rate, 0.25);
  ASSERT_EQ(r.top_queries.size(), 3u);
  EXPECT_EQ(r.top_queries[0].query, "reset password");
  EXPECT_EQ(r.top_queries[0].searches, 2);
  EXPECT_EQ(r.top_queries[0].clicks, 1);
  EXPECT_EQ(r.top_queries[0].no_click_searches, 1);
  ASSERT_EQ(r.content_gaps.size(), 2u);
  EXPECT_EQ(r.content_gaps[0].query, "reset password");  // one failed search each: the most searched first
  EXPECT_EQ(r.content_gaps[0].no_click_searches, 1);
  EXPECT_EQ(r.content_gaps[1].query, "frobnicate");
  EXPECT_EQ(r.content_gaps[1].zero_result_searches, 1);
}

TEST_F(SummaryTest, AClickJustAfterTheRangeStillCountsForItsSearch) {
  Stream s;
  s.Search("a", "q1", "refund", 3, kT0 + kDayMs - 1);
  s.Click("a", "q1", "refund", 1, kT0 + kDayMs + kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.searches_with_click, 1);
  EXPECT_EQ(r.clicks, 0);  // the click itself lies outside
}

TEST_F(SummaryTest, PerArticleFigures) {
  Stream s;
  s.Search("a", "q1", "refund", 3, kT0 + kMin);
  s.Click("a", "q1", "refund", 1, kT0 + 2 * kMin);
  s.View("a", "refund", kT0 + 2 * kMin);
  Event& yes = s.Add(EventType::kVote, "a", Channel::kWidget, kT0 + 3 * kMin);
  yes.article_id = "refund";
  yes.helpful = true;
  Event& done = s.Add(EventType::kResolve, "a", Channel::kWidget, kT0 + 3 * kMin);
  done.article_id = "refund";
  s.View("b", "refund", kT0 + kMin);
  Event& no = s.Add(EventType::kVote, "b", Channel::kWidget, kT0 + 2 * kMin);
  no.article_id = "refund";
  no.helpful = false;
  s.Escalate("b", kT0 + 3 * kMin);
  s.View("c", "invoice", kT0 + kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + kDayMs);
  EXPECT_EQ(r.resolutions, 1);
  ASSERT_EQ(r.articles.size(), 2u);
  const ArticleStats& refund = r.articles[0].article_id == "refund" ? r.articles[0] : r.articles[1];
  EXPECT_EQ(refund.views, 2);
  EXPECT_EQ(refund.clicks, 1);
  EXPECT_EQ(refund.helpful_yes, 1);
  EXPECT_EQ(refund.helpful_no, 1);
  EXPECT_DOUBLE_EQ(*refund.helpfulness(), 0.5);
  EXPECT_EQ(refund.resolutions, 1);
  EXPECT_EQ(refund.deflections, 1);  // session a; b escalated
  const ArticleStats& invoice = r.articles[0].article_id == "invoice" ? r.articles[0] : r.articles[1];
  EXPECT_EQ(invoice.deflections, 1);
  EXPECT_FALSE(invoice.helpfulness().has_value());
}

TEST_F(SummaryTest, AgentTrafficIsKeptApartFromDeflection) {
  Stream s;
  s.Search("c1", "q1", "refund", 3, kT0 + kMin);
  s.Escalate("c1", kT0 + 2 * kMin);
  s.Search("c2", "q2", "refund", 3, kT0 + kMin);
  const Summary before_agents = [&] {
    Store(s);
    return Run(kT0, kT0 + 2 * kDayMs);
  }();
  for (int i = 0; i < 10; ++i) {
    s.Search("agent", fmt::format("aq{}", i), "refund limits", 2, kT0 + kDayMs * (i % 2) + kMin, Channel::kAgent);
    s.View("agent", "refund-limits", kT0 + kMin + i, Channel::kAgent);
  }
  s.Escalate("agent", kT0 + 3 * kMin);
  Store(s);
  const Summary r = Run(kT0, kT0 + 2 * kDayMs);
  EXPECT_EQ(r.help_sessions, before_agents.help_sessions);
  EXPECT_EQ(r.deflection_rate, before_agents.deflection_rate);
  EXPECT_EQ(r.searches, 2);
  EXPECT_EQ(r.agent.lookups, 10);
  ASSERT_EQ(r.agent.lookups_per_day.size(), 2u);
  EXPECT_EQ(r.agent.lookups_per_day[0].date, "2026-11-01");
  EXPECT_EQ(r.agent.lookups_per_day[0].count, 5);
  EXPECT_EQ(r.agent.lookups_per_day[1].date, "2026-11-02");
  ASSERT_EQ(r.agent.top_articles.size(), 1u);
  EXPECT_EQ(r.agent.top_articles[0].article_id, "refund-limits");
  EXPECT_EQ(r.agent.top_articles[0].count, 10);
}

TEST_F(SummaryTest, FiltersByChannelAndLanguage) {
  Stream s;
  s.Search("w", "q1", "refund", 3, kT0 + kMin).locale = "de-AT";
  s.Search("f", "q2", "refund", 3, kT0 + kMin, Channel::kContactForm).locale = "en";
  s.Escalate("f", kT0 + 2 * kMin);
  Store(s);
  Summary r = Run(kT0, kT0 + kDayMs, Channel::kContactForm);
  EXPECT_EQ(r.help_sessions, 1);
  EXPECT_DOUBLE_EQ(*r.deflection_rate, 0.0);
  r = Run(kT0, kT0 + kDayMs, std::nullopt, "de");
  EXPECT_EQ(r.help_sessions, 1);
  EXPECT_EQ(r.searches, 1);
  EXPECT_DOUBLE_EQ(*r.deflection_rate, 1.0);
  r = Run(kT0, kT0 + kDayMs, Channel::kAgent);
  EXPECT_EQ(r.help_sessions, 0);
}

TEST_F(SummaryTest, TimeseriesHasOnePointPerInterval) {
  Stream s;
  s.Search("a", "q1", "refund", 3, kT0 + kMin);
  s.Escalate("a", kT0 + 2 * kMin);
  s.Search("b", "q2", "refund", 3, kT0 + kDayMs + kMin);
  s.Search("c", "q3", "refund", 3, kT0 + kDayMs + kMin);
  s.Escalate("c", kT0 + kDayMs + 2 * kMin);
  Store(s);
  SummaryRequest r;
  r.filter = {kT0 + kHourMs, kT0 + 3 * kDayMs, std::nullopt, ""};
  auto points = Timeseries(*store_, r, Metric::kDeflectionRate, Interval::kDay);
  ASSERT_TRUE(points.has_value()) << points.error().ToString();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ((*points)[0].start_ms, kT0);  // rounded down to the day
  EXPECT_DOUBLE_EQ(*(*points)[0].value, 0.0);
  EXPECT_DOUBLE_EQ(*(*points)[1].value, 0.5);
  EXPECT_FALSE((*points)[2].value.has_value());
  auto week = Timeseries(*store_, r, Metric::kHelpSessions, Interval::kWeek);
  ASSERT_TRUE(week.has_value());
  ASSERT_EQ(week->size(), 2u);
  EXPECT_EQ(FormatTime((*week)[0].start_ms), "2026-10-26T00:00:00.000Z");  // weeks start on Monday
  EXPECT_DOUBLE_EQ(*(*week)[0].value, 1.0);
  EXPECT_EQ(FormatTime((*week)[1].start_ms), "2026-11-02T00:00:00.000Z");
  EXPECT_DOUBLE_EQ(*(*week)[1].value, 2.0);
  EXPECT_EQ(ParseMetric("happiness").error().message(),
            "unknown metric 'happiness': use one of deflection_rate, self_service_ratio, help_sessions, "
            "escalated_sessions, resolutions, searches, search_ctr, avg_click_position, zero_result_rate, "
            "no_click_rate");
  EXPECT_EQ(ParseInterval("minute").error().message(),
            "unknown interval 'minute': use hour, day or week");
}

TEST_F(SummaryTest, PurgeDropsOldEvents) {
  Stream s;
  s.Search("old", "q1", "refund", 3, kT0 - 10 * kDayMs);
  s.Search("new", "q2", "refund", 3, kT0 + kMin);
  Store(s);
  auto purged = store_->Purge(kT0);
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(*store_->Count(), 1);
  EXPECT_EQ(Run(kT0 - 30 * kDayMs, kT0 + kDayMs).help_sessions, 1);
}

TEST_F(SummaryTest, EventsOutliveTheStore) {
  Stream s;
  s.Search("a", "q1", "refund", 3, kT0 + kMin);
  Store(s);
  store_.reset();
  auto reopened = OpenSqliteEventStore(tmp_.path() + "/events.sqlite");
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(*(*reopened)->Count(), 1);
}

TEST_F(SummaryTest, QueuedEventsAreStoredByFlush) {
  Stream s;
  s.Search("a", "q1", "refund", 3, kT0 + kMin);
  store_->AppendLater(s.Take());
  ASSERT_TRUE(store_->Flush().has_value());
  EXPECT_EQ(*store_->Count(), 1);
}

TEST(SummaryTimeTest, ParsesIsoDatesAndTimes) {
  EXPECT_EQ(*ParseTime("2026-11-01"), kT0);
  EXPECT_EQ(*ParseTime("2026-11-01", /*end_of_day=*/true), kT0 + kDayMs);
  EXPECT_EQ(*ParseTime("2026-11-01T01:02"), kT0 + kHourMs + 2 * kMin);
  EXPECT_EQ(*ParseTime("2026-11-01T01:02:03Z"), kT0 + kHourMs + 2 * kMin + 3000);
  EXPECT_EQ(*ParseTime("2026-11-01T01:02:03.25Z"), kT0 + kHourMs + 2 * kMin + 3250);
  EXPECT_EQ(*ParseTime("2026-11-01T01:00:00+01:00"), kT0);
  EXPECT_EQ(*ParseTime("2026-10-31T23:00:00-01:00"), kT0);
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026-11-01T25:00", "yesterday", "2026-11-01T01:00:00+1",
                          "2026-11-01X"}) {
    EXPECT_FALSE(ParseTime(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseTime("2026-02-30").error().message(),
            "'2026-02-30' is not an ISO 8601 date or date-time such as 2026-11-23 or 2026-11-23T10:00:00Z");
  EXPECT_EQ(FormatTime(kT0 + 1), "2026-11-01T00:00:00.001Z");
}

TEST(SummaryTimeTest, ParsesDurations) {
  EXPECT_EQ(ParseDuration("24h")->count(), kDayMs);
  EXPECT_EQ(ParseDuration("2d")->count(), 2 * kDayMs);
  EXPECT_EQ(ParseDuration("30m")->count(), 30 * kMin);
  EXPECT_EQ(ParseDuration("90s")->count(), 90'000);
  EXPECT_EQ(ParseDuration("5")->count(), 5'000);
  EXPECT_EQ(ParseDuration("250ms")->count(), 250);
  for (const char* bad : {"", "0h", "-1h", "h", "24 h", "1w", "0ms", "5mss"}) EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
}

TEST(SummaryRequestTest, DefaultsToTheLast30Days) {
  auto r = MakeSummaryRequest("", "", "", "", kT0, kDayMs);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->filter.to_ms, kT0 + 1);  // "now" included
  EXPECT_EQ(r->filter.from_ms, kT0 + 1 - 30 * kDayMs);
  r = MakeSummaryRequest("2026-10-01", "2026-10-31", "de-AT", "widget", kT0, kDayMs);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->filter.to_ms, kT0);  // the last day is included
  EXPECT_EQ(r->filter.language, "de");
  EXPECT_EQ(r->filter.channel, Channel::kWidget);
  EXPECT_EQ(MakeSummaryRequest("2026-11-02", "2026-11-01", "", "", kT0, kDayMs).error().message(),
            "'from' (2026-11-02T00:00:00.000Z) must be before 'to' (2026-11-02T00:00:00.000Z)");
  EXPECT_EQ(MakeSummaryRequest("", "", "", "email", kT0, kDayMs).error().message(),
            "'channel' must be 'widget', 'contact_form' or 'agent'");
}

}  // namespace
}  // namespace kb::analytics
