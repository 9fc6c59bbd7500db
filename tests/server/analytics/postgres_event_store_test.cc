// The PostgreSQL event store against a real PostgreSQL 15 started for each
// test: what the EventStore interface promises (as the SQLite store's
// tests check it), the same summary and time series as the SQLite store
// from the same event stream, two stores (two replicas) sharing one
// database, the schema made and migrated on start, clear errors for URLs
// and databases it cannot use, and PostgreSQL going away and coming back.
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/base/temp_dir.h"
#include "server/analytics/event_store.h"
#include "server/analytics/summary.h"
#include "bench/peer/postgres_cluster.h"
#include "tests/server/analytics/event_samples.h"

namespace kb::analytics {
namespace {

class PostgresEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    pg_ = testing::Postgres::Start(&why);
    if (pg_ == nullptr) GTEST_SKIP() << why;
    ASSERT_TRUE(pg_->CreateDatabase("kb"));
    store_ = Open();
  }

  std::unique_ptr<EventStore> Open() {
    auto store = OpenPostgresEventStore(pg_->Url("kb"));
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  std::unique_ptr<testing::Postgres> pg_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(PostgresEventStoreTest, EveryFieldRoundTrips) {
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> events = EveryKind();
  EXPECT_EQ(AppendOk(*store_, events), events.size());
  EXPECT_EQ(CountOf(*store_), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(Describe(Scan(*store_, kT0, kT0 + 100)), Describe(events));
  std::vector<Event> counting = events;
  for (Event& e : counting) {
    e.event_id.clear();
    e.reason.clear();
    e.filters.clear();
    e.ticket_id.clear();
  }
  EXPECT_EQ(Describe(Scan(*store_, kT0, kT0 + 100, EventStore::Fields::kCounting)), Describe(counting));
}

TEST_F(PostgresEventStoreTest, ScansAHalfOpenRangeInTimeOrderAcrossFetches) {
  ASSERT_NE(store_, nullptr);
  // More rows than one fetch of the cursor, appended out of order, with
  // ties on time broken by event id, byte by byte.
  std::vector<Event> events;
  for (int i = 0; i < 12000; ++i) {
    events.push_back(MakeEvent(fmt::format("e{:05d}", (i * 7919) % 12000), EventType::kView, "s", Channel::kWidget,
                               kT0 + ((i * 7919) % 12000) / 2));
    events.back().article_id = "a";
  }
  events.push_back(MakeEvent("Z", EventType::kView, "s", Channel::kWidget, kT0 + 3));
  events.push_back(MakeEvent("a", EventType::kView, "s", Channel::kWidget, kT0 + 3));
  EXPECT_EQ(AppendOk(*store_, events), events.size());
  const std::vector<Event> got = Scan(*store_, kT0 + 2, kT0 + 5000);
  std::vector<std::string> ids;
  for (const Event& e : got) ids.push_back(e.event_id);
  std::vector<std::string> expected = {"e00004", "e00005", "Z", "a", "e00006", "e00007"};
  for (int i = 8; i < 10000; ++i) expected.push_back(fmt::format("e{:05d}", i));
  EXPECT_EQ(ids, expected);
}

TEST_F(PostgresEventStoreTest, RetriesAreStoredOnceAndCountedAsDuplicates) {
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> events = EveryKind();
  ASSERT_EQ(AppendOk(*store_, events), events.size());
  std::vector<Event> again = {events[0], events[3], MakeEvent("new", EventType::kEscalate, "s9", Channel::kWidget, kT0)};
  EXPECT_EQ(AppendOk(*store_, again), 1u);
  // The same id twice in one batch counts once.
  EXPECT_EQ(AppendOk(*store_, {MakeEvent("twin", EventType::kEscalate, "s9", Channel::kWidget, kT0),
                               MakeEvent("twin", EventType::kEscalate, "s9", Channel::kWidget, kT0)}),
            1u);
  EXPECT_EQ(CountOf(*store_), static_cast<std::int64_t>(events.size()) + 2);
}

TEST_F(PostgresEventStoreTest, HelpSessionsStartAtTheFirstSelfServiceEventThatPassesTheFilter) {
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(AppendOk(*store_,
                     {MakeEvent("1", EventType::kSearch, "early", Channel::kWidget, kT0 - 10, "de"),
                      MakeEvent("2", EventType::kView, "early", Channel::kWidget, kT0 + 10, "en"),
                      MakeEvent("3", EventType::kView, "inside", Channel::kContactForm, kT0 + 20, "en-GB"),
                      MakeEvent("4", EventType::kSearch, "inside", Channel::kContactForm, kT0 + 5, "en"),
                      MakeEvent("5", EventType::kSearch, "agent", Channel::kAgent, kT0 + 5, "en"),
                      MakeEvent("6", EventType::kEscalate, "escalated-only", Channel::kWidget, kT0 + 5, "en")}),
            6u);
  auto sessions = [&](EventFilter filter) {
    auto starts = store_->HelpSessions(filter);
    EXPECT_TRUE(starts.has_value()) << starts.error().ToString();
    std::map<std::string, std::int64_t> out;
    for (const SessionStart& s : starts.value_or(std::vector<SessionStart>{})) out[s.session_id] = s.first_ms;
    return out;
  };
  using M = std::map<std::string, std::int64_t>;
  EXPECT_EQ(sessions({kT0, kT0 + 100, std::nullopt, ""}), (M{{"inside", kT0 + 5}}));
  EXPECT_EQ(sessions({kT0, kT0 + 100, std::nullopt, "en"}), (M{{"early", kT0 + 10}, {"inside", kT0 + 5}}));
  EXPECT_EQ(sessions({kT0 - 100, kT0 + 100, Channel::kWidget, ""}), (M{{"early", kT0 - 10}}));
  EXPECT_EQ(sessions({kT0 + 6, kT0 + 100, Channel::kContactForm, "en"}), (M{}));
}

TEST_F(PostgresEventStoreTest, PurgeDeletesOldEventsAndKeepsRejections) {
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(AppendOk(*store_, EveryKind()), 9u);
  ASSERT_TRUE(store_->Reject("refund", "money back", kT0).has_value());
  ASSERT_TRUE(store_->Reject("refund", "money back", kT0 + 1).has_value());  // once
  ASSERT_TRUE(store_->Reject("billing-intro", "invoice", kT0).has_value());
  auto purged = store_->Purge(kT0 + 4);
  ASSERT_TRUE(purged.has_value()) << purged.error().ToString();
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(CountOf(*store_), 6);
  auto rejections = store_->Rejections();
  ASSERT_TRUE(rejections.has_value()) << rejections.error().ToString();
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*rejections, (P{{"billing-intro", "invoice"}, {"refund", "money back"}}));
  // The help session whose start went is gone with it.
  auto starts = store_->HelpSessions({0, kT0 * 2, std::nullopt, ""});
  ASSERT_TRUE(starts.has_value());
  EXPECT_EQ(starts->size(), 0u);
}

// A stream with what the summary reads: help sessions over ten days on
// every channel and several languages, searches with and without results,
// clicks, views, votes, resolutions, escalations inside and outside the
// attribution window, tickets, and retried batches.
std::vector<std::vector<Event>> Stream(std::uint32_t seed) {
  std::mt19937 random(seed);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<std::uint32_t>(n)); };
  const std::vector<std::string> locales = {"en", "en-GB", "de", "de-AT", "ja", ""};
  const std::vector<std::string> queries = {"refund", "reset password", "invoice", "kündigen", "配送", "vpn"};
  const std::vector<std::string> articles = {"refund", "reset-password", "billing-intro", "vpn-setup", "shipping"};
  const Channel channels[] = {Channel::kWidget, Channel::kContactForm, Channel::kAgent};
  std::vector<std::vector<Event>> batches;
  int id = 0;
  for (int s = 0; s < 400; ++s) {
    std::vector<Event> batch;
    const std::string session = fmt::format("session-{}", s);
    const Channel channel = channels[pick(3)];
    const std::string locale = locales[static_cast<std::size_t>(pick(6))];
    std::int64_t at = kT0 + static_cast<std::int64_t>(random() % (10ull * 86'400'000));
    auto add = [&](EventType type) -> Event& {
      batch.push_back(MakeEvent(fmt::format("ev-{}", id++), type, session, channel, at, locale));
      at += 1000 + pick(600'000);
      return batch.back();
    };
    const std::string query_id = fmt::format("q-{}", s);
    for (int n = 1 + pick(3); n > 0; --n) {
      Event& search = add(EventType::kSearch);
      search.query_id = query_id;
      search.query = queries[static_cast<std::size_t>(pick(6))];
      search.result_count = pick(4) == 0 ? 0 : 1 + pick(9);
      search.filters = "{}";
    }
    const std::string article = articles[static_cast<std::size_t>(pick(5))];
    if (pick(3) > 0) {
      Event& click = add(EventType::kClick);
      click.query_id = query_id;
      click.article_id = article;
      click.position = 1 + pick(5);
    }
    if (pick(2) == 0) {
      Event& view = add(EventType::kView);
      view.article_id = article;
      view.dwell_ms = pick(3) == 0 ? -1 : pick(120'000);
    }
    if (pick(3) == 0) {
      Event& vote = add(EventType::kVote);
      vote.article_id = article;
      vote.helpful = pick(2) == 0;
    }
    if (pick(4) == 0) {
      Event& resolve = add(EventType::kResolve);
      resolve.article_id = article;
      resolve.query_id = query_id;
    }
    if (pick(3) == 0) {
      if (pick(4) == 0) at += 2 * 86'400'000;  // outside the window
      add(EventType::kEscalate).query_id = query_id;
    }
    if (pick(6) == 0) {
      Event& ticket = add(EventType::kTicket);
      ticket.channel = Channel::kHelpDesk;
      ticket.ticket_id = fmt::format("T-{}", s);
      ticket.article_ids = {article};
    }
    if (pick(8) == 0 && !batches.empty()) {  // a client's retry of an earlier batch
      batches.push_back(batches[static_cast<std::size_t>(pick(static_cast<int>(batches.size())))]);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

TEST_F(PostgresEventStoreTest, GivesTheSameSummaryAndTimeseriesAsTheSqliteStore) {
  ASSERT_NE(store_, nullptr);
  TempDir tmp("pg-vs-sqlite");
  auto sqlite = OpenSqliteEventStore(tmp.path() + "/events.sqlite");
  ASSERT_TRUE(sqlite.has_value()) << sqlite.error().ToString();
  std::size_t stored_pg = 0, stored_sqlite = 0, sent = 0;
  for (const std::vector<Event>& batch : Stream(20261203)) {
    sent += batch.size();
    stored_pg += AppendOk(*store_, batch);
    stored_sqlite += AppendOk(**sqlite, batch);
  }
  EXPECT_EQ(stored_pg, stored_sqlite);
  EXPECT_LT(stored_pg, sent);  // the retries
  EXPECT_EQ(Describe(Scan(*store_, 0, kT0 * 2)), Describe(Scan(**sqlite, 0, kT0 * 2)));

  std::vector<SummaryRequest> requests;
  for (const auto& [from, to, locale, channel] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"2026-11-01", "2026-11-10", "", ""},
           {"2026-11-03T12:00:00Z", "2026-11-07", "", ""},
           {"2026-11-01", "2026-11-10", "de", ""},
           {"2026-11-01", "2026-11-10", "", "contact_form"},
           {"2026-11-02", "2026-11-09", "en", "widget"}}) {
    auto request = MakeSummaryRequest(from, to, locale, channel, kT0, 86'400'000);
    ASSERT_TRUE(request.has_value()) << request.error().ToString();
    requests.push_back(*request);
  }
  int sessions = 0;
  for (const SummaryRequest& request : requests) {
    auto a = Summarise(*store_, request);
    auto b = Summarise(**sqlite, request);
    ASSERT_TRUE(a.has_value()) << a.error().ToString();
    ASSERT_TRUE(b.has_value()) << b.error().ToString();
    const nlohmann::json ja = SummaryJson(*a, request), jb = SummaryJson(*b, request);
    EXPECT_EQ(ja.dump(1), jb.dump(1));
    sessions += ja["help_sessions"].get<int>();
    for (const Metric metric : {Metric::kDeflectionRate, Metric::kSearches, Metric::kZeroResultRate}) {
      for (const Interval interval : {Interval::kHour, Interval::kDay, Interval::kWeek}) {
        auto sa = Timeseries(*store_, request, metric, interval);
        auto sb = Timeseries(**sqlite, request, metric, interval);
        ASSERT_TRUE(sa.has_value() && sb.has_value());
        ASSERT_EQ(sa->size(), sb->size());
        for (std::size_t i = 0; i < sa->size(); ++i) {
          EXPECT_EQ((*sa)[i].start_ms, (*sb)[i].start_ms);
          EXPECT_EQ((*sa)[i].value, (*sb)[i].value) << MetricName(metric) << " " << IntervalName(interval) << " " << i;
        }
      }
    }
  }
  EXPECT_GT(sessions, 500);  // the comparison is of something
}

TEST_F(PostgresEventStoreTest, ReplicasShareOneStoreAndOneClientKey) {
  ASSERT_NE(store_, nullptr);
  std::unique_ptr<EventStore> other = Open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(store_->ClientKey(), other->ClientKey());
  // Two replicas write at once: the same session starts, and some of the
  // same event ids (a client retrying on the other replica), in opposite
  // orders. Every event is stored once; nothing deadlocks for good.
  std::atomic<std::size_t> added{0};
  std::atomic<int> failures{0};
  auto write = [&](EventStore* store, bool reversed) {
    for (int round = 0; round < 40; ++round) {
      std::vector<Event> batch;
      for (int i = 0; i < 25; ++i) {
        const int n = reversed ? 24 - i : i;
        batch.push_back(MakeEvent(fmt::format("r{}-{}", round, n), EventType::kSearch, fmt::format("s{}", n),
                                  Channel::kWidget, kT0 + round * 100));
      }
      auto r = store->Append(std::move(batch));
      if (r) {
        added += *r;
      } else {
        ++failures;
      }
    }
  };
  std::thread a(write, store_.get(), false), b(write, other.get(), true);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(added.load(), 1000u);
  EXPECT_EQ(CountOf(*store_), 1000);
  auto starts = other->HelpSessions({0, kT0 * 2, std::nullopt, ""});
  ASSERT_TRUE(starts.has_value());
  ASSERT_EQ(starts->size(), 25u);
  for (const SessionStart& s : *starts) EXPECT_EQ(s.first_ms, kT0) << s.session_id;
}

TEST_F(PostgresEventStoreTest, MakesTheSchemaOnceAndRecordsItsVersion) {
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(pg_->Query("kb", "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
  EXPECT_EQ(pg_->Query("kb", "SELECT count(*) FROM meta WHERE key = 'client_key'"), "1");
  store_.reset();
  EXPECT_NE(Open(), nullptr);  // opening again changes nothing
  EXPECT_EQ(pg_->Query("kb", "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                             "WHERE schemaname = 'public'"),
            "events,meta,rejections,session_starts");
}

TEST_F(PostgresEventStoreTest, RefusesASchemaFromANewerKbsearch) {
  ASSERT_NE(store_, nullptr);
  ASSERT_TRUE(pg_->Sql("kb", "UPDATE meta SET value = '9' WHERE key = 'schema_version'"));
  auto refused = OpenPostgresEventStore(pg_->Url("kb"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            fmt::format("event store postgresql://postgres@127.0.0.1:{}/kb has schema version 9, made by a newer "
                        "kbsearch; this one knows up to 1",
                        pg_->port()));
}

TEST_F(PostgresEventStoreTest, RefusesADatabaseWithTablesItDidNotMake) {
  ASSERT_TRUE(pg_->CreateDatabase("crm"));
  ASSERT_TRUE(pg_->Sql("crm", "CREATE TABLE events(id serial primary key, name text); INSERT INTO events(name) "
                              "VALUES('launch')"));
  auto refused = OpenPostgresEventStore(pg_->Url("crm"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);
  EXPECT_TRUE(refused.error().message().starts_with(fmt::format(
      "event store postgresql://postgres@127.0.0.1:{}/crm: the database already has tables that kbsearch did not make",
      pg_->port())))
      << refused.error().message();
  // Nothing of it was changed: the migration's transaction rolled back.
  EXPECT_EQ(pg_->Query("crm", "SELECT name FROM events"), "launch");
  EXPECT_EQ(pg_->Query("crm", "SELECT count(*) FROM pg_tables WHERE tablename = 'meta'"), "0");
}

TEST(PostgresEventStoreUrlTest, RefusesWhatIsNotAPostgresqlUrl) {
  auto refused = OpenPostgresEventStore("mysql://db/kb");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "'mysql://db/kb' is not a PostgreSQL URL: write postgresql://user:password@host:port/database");
  auto unreadable = OpenPostgresEventStore("postgresql://db/kb?colour=blue");
  ASSERT_FALSE(unreadable.has_value());
  EXPECT_EQ(unreadable.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(unreadable.error().message().starts_with("the event store URL cannot be read: "))
      << unreadable.error().message();
}

TEST_F(PostgresEventStoreTest, AnUnreachableServerIsUnavailableAndThePasswordIsNeverShown) {
  ASSERT_NE(store_, nullptr);
  const int port = pg_->port();
  ASSERT_TRUE(pg_->Stop());
  auto refused = OpenPostgresEventStore(fmt::format("postgresql://kb:s3cret@127.0.0.1:{}/kb", port));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(refused.error().message().starts_with(
      fmt::format("cannot connect to the event store postgresql://kb@127.0.0.1:{}/kb: ", port)))
      << refused.error().message();
  EXPECT_EQ(refused.error().message().find("s3cret"), std::string::npos);
}

TEST_F(PostgresEventStoreTest, WhilePostgresqlIsAwayAppendsFailAndQueuedEventsWait) {
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("before", EventType::kEscalate, "s", Channel::kWidget, kT0)}), 1u);
  // A second store, unused while PostgreSQL is away: its connections are
  // broken when it comes back, which its first append and read find.
  std::unique_ptr<EventStore> idle = Open();
  ASSERT_NE(idle, nullptr);
  ASSERT_EQ(CountOf(*idle), 1);
  ASSERT_TRUE(pg_->Stop());
  auto refused = store_->Append({MakeEvent("during", EventType::kEscalate, "s", Channel::kWidget, kT0 + 1)});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(store_->Count().has_value());
  // The server's own events are kept meanwhile.
  store_->AppendLater({MakeEvent("logged", EventType::kSearch, "s", Channel::kWidget, kT0 + 2)});
  EXPECT_FALSE(store_->Flush().has_value());
  ASSERT_TRUE(pg_->Resume());
  EXPECT_EQ(AppendOk(*idle, {MakeEvent("idle", EventType::kEscalate, "s", Channel::kWidget, kT0 + 4)}), 1u);
  EXPECT_EQ(CountOf(*idle), 2);
  // The store reconnects by itself: the next append is stored, and so are
  // the queued events.
  EXPECT_EQ(AppendOk(*store_, {MakeEvent("after", EventType::kEscalate, "s", Channel::kWidget, kT0 + 3)}), 1u);
  ASSERT_TRUE(store_->Flush().has_value());
  std::vector<std::string> ids;
  for (const Event& e : Scan(*store_, 0, kT0 * 2)) ids.push_back(e.event_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"before", "logged", "after", "idle"}));
}

}  // namespace
}  // namespace kb::analytics
