// The SQLite event store on its own, against what the EventStore interface
// promises: appends that are counted, deduplicated and durable, queued
// appends and Flush, scans of [from, to) with every field, help sessions,
// purges, concurrent writers and readers, a full disk, and clear errors for
// files it cannot use (locked, corrupt, not an event store).
#include "server/analytics/event_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/base/time.h"
#include "tests/server/analytics/event_samples.h"
#include "tests/server/analytics/sqlite_lock.h"
#include "tests/test_files.h"
#include "tests/tmpfs.h"

namespace kb::analytics {
namespace {

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Open(); }

  std::unique_ptr<EventStore> Open() {
    auto store = OpenSqliteEventStore(path_);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  static std::vector<std::string> Ids(const std::vector<Event>& events) {
    std::vector<std::string> ids;
    for (const Event& e : events) ids.push_back(e.event_id);
    return ids;
  }

  // Session id -> first_ms of the help sessions starting in the filter's
  // range.
  static std::map<std::string, std::int64_t> Sessions(EventStore& store, const EventFilter& filter) {
    auto starts = store.HelpSessions(filter);
    EXPECT_TRUE(starts.has_value()) << starts.error().ToString();
    std::map<std::string, std::int64_t> out;
    for (const SessionStart& s : starts.value_or(std::vector<SessionStart>{})) {
      EXPECT_TRUE(out.emplace(s.session_id, s.first_ms).second) << "twice: " << s.session_id;
    }
    return out;
  }

  TempDir tmp_{"event-store"};
  const std::string path_ = tmp_.path() + "/events.sqlite";
  std::unique_ptr<EventStore> store_;
};

TEST_F(SqliteEventStoreTest, ANewStoreIsEmpty) {
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
  EXPECT_EQ(CountOf(*store_), 0);
  EXPECT_EQ(Scan(*store_, 0, kT0 * 2).size(), 0u);
  EXPECT_EQ(Sessions(*store_, EventFilter{0, kT0 * 2, std::nullopt, ""}).size(), 0u);
  auto purged = store_->Purge(kT0 * 2);
  ASSERT_TRUE(purged.has_value()) << purged.error().ToString();
  EXPECT_EQ(*purged, 0);
}

TEST_F(SqliteEventStoreTest, EveryFieldRoundTrips) {
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> events = EveryKind();
  EXPECT_EQ(AppendOk(*store_, events), events.size());
  EXPECT_EQ(CountOf(*store_), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(Describe(Scan(*store_, kT0, kT0 + 100)), Describe(events));
}

TEST_F(SqliteEventStoreTest, CountingScansLeaveOutWhatNoMetricReads) {
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> events = EveryKind();
  ASSERT_EQ(AppendOk(*store_, events), events.size());
  std::vector<Event> expected = events;
  for (Event& e : expected) {
    e.event_id.clear();
    e.reason.clear();
    e.filters.clear();
    e.ticket_id.clear();
  }
  EXPECT_EQ(Describe(Scan(*store_, kT0, kT0 + 100, EventStore::Fields::kCounting)), Describe(expected));
}

TEST_F(SqliteEventStoreTest, ScansTheHalfOpenRangeInTimeOrder) {
  ASSERT_NE(store_, nullptr);
  // Stored out of order, over several appends.
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("late", EventType::kView, "s", Channel::kWidget, kT0 + 10 * kMin),
                               MakeEvent("at-to", EventType::kView, "s", Channel::kWidget, kT0 + 5 * kMin)}),
            2u);
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("last-in", EventType::kView, "s", Channel::kWidget, kT0 + 5 * kMin - 1),
                               MakeEvent("at-from", EventType::kView, "s", Channel::kWidget, kT0),
                               MakeEvent("before", EventType::kView, "s", Channel::kWidget, kT0 - 1)}),
            3u);
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("middle", EventType::kView, "s", Channel::kWidget, kT0 + 2 * kMin)}), 1u);

  EXPECT_EQ(Ids(Scan(*store_, kT0, kT0 + 5 * kMin)), (std::vector<std::string>{"at-from", "middle", "last-in"}));
  EXPECT_EQ(Ids(Scan(*store_, kT0 - 1, kT0 + 5 * kMin + 1)),
            (std::vector<std::string>{"before", "at-from", "middle", "last-in", "at-to"}));
  EXPECT_EQ(Ids(Scan(*store_, 0, kT0 * 2)),
            (std::vector<std::string>{"before", "at-from", "middle", "last-in", "at-to", "late"}));
  EXPECT_EQ(Ids(Scan(*store_, kT0 + 2 * kMin, kT0 + 2 * kMin)), std::vector<std::string>{});  // empty range
  EXPECT_EQ(Ids(Scan(*store_, kT0 + 5 * kMin, kT0)), std::vector<std::string>{});              // reversed
}

TEST_F(SqliteEventStoreTest, AppendCountsOnlyNewEventsAndIgnoresKnownIds) {
  ASSERT_NE(store_, nullptr);
  Event a = MakeEvent("a", EventType::kView, "s", Channel::kWidget, kT0);
  Event b = MakeEvent("b", EventType::kView, "s", Channel::kWidget, kT0 + 1);
  Event c = MakeEvent("c", EventType::kView, "s", Channel::kWidget, kT0 + 2);
  EXPECT_EQ(AppendOk(*store_, {a, b}), 2u);
  EXPECT_EQ(AppendOk(*store_, {a, b}), 0u);  // a client's retry
  EXPECT_EQ(AppendOk(*store_, {b, c}), 1u);
  EXPECT_EQ(AppendOk(*store_, {}), 0u);
  // The same id twice in one batch, and a known id at another time with
  // other fields: the first one stored stays.
  Event d = MakeEvent("d", EventType::kView, "s", Channel::kWidget, kT0 + 3);
  Event a_again = MakeEvent("a", EventType::kSearch, "other", Channel::kAgent, kT0 + 4);
  a_again.query = "changed";
  EXPECT_EQ(AppendOk(*store_, {d, d, a_again}), 1u);
  EXPECT_EQ(CountOf(*store_), 4);
  EXPECT_EQ(Describe(Scan(*store_, 0, kT0 * 2)), Describe(std::vector<Event>{a, b, c, d}));
}

TEST_F(SqliteEventStoreTest, QueuedEventsAreStoredByFlush) {
  ASSERT_NE(store_, nullptr);
  std::vector<Event> queued;
  for (int i = 0; i < 5; ++i) {
    Event e = MakeEvent(fmt::format("q{}", i), EventType::kSearch, "s", Channel::kWidget, kT0 + i);
    e.query = fmt::format("query {}", i);
    e.result_count = i;
    queued.push_back(e);
    store_->AppendLater({e});
  }
  store_->AppendLater({queued[0]});  // a duplicate is ignored here too
  auto flushed = store_->Flush();
  ASSERT_TRUE(flushed.has_value()) << flushed.error().ToString();
  EXPECT_EQ(CountOf(*store_), 5);
  EXPECT_EQ(Describe(Scan(*store_, 0, kT0 * 2)), Describe(queued));
  // Flushing with nothing queued returns at once.
  ASSERT_TRUE(store_->Flush().has_value());
  EXPECT_EQ(CountOf(*store_), 5);
}

TEST_F(SqliteEventStoreTest, QueuedAndWaitedAppendsAreCommittedTogether) {
  ASSERT_NE(store_, nullptr);
  store_->AppendLater({MakeEvent("later", EventType::kSearch, "s", Channel::kWidget, kT0)});
  // An append that waits takes the queued events with it to the disk.
  EXPECT_EQ(AppendOk(*store_, {MakeEvent("now", EventType::kView, "s", Channel::kWidget, kT0 + 1)}), 1u);
  EXPECT_EQ(Ids(Scan(*store_, 0, kT0 * 2)), (std::vector<std::string>{"later", "now"}));
}

TEST_F(SqliteEventStoreTest, PurgeRemovesExactlyTheEventsBeforeTheCutoff) {
  ASSERT_NE(store_, nullptr);
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(MakeEvent(fmt::format("e{}", i), EventType::kSearch, fmt::format("s{}", i), Channel::kWidget,
                               kT0 + i * kDayMs));
  }
  ASSERT_EQ(AppendOk(*store_, events), 5u);
  auto purged = store_->Purge(kT0 + 2 * kDayMs);
  ASSERT_TRUE(purged.has_value()) << purged.error().ToString();
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(CountOf(*store_), 3);
  EXPECT_EQ(Ids(Scan(*store_, 0, kT0 * 2)), (std::vector<std::string>{"e2", "e3", "e4"}));
  // The help sessions that started before the cutoff go with them.
  EXPECT_EQ(Sessions(*store_, EventFilter{0, kT0 * 2, std::nullopt, ""}),
            (std::map<std::string, std::int64_t>{
                {"s2", kT0 + 2 * kDayMs}, {"s3", kT0 + 3 * kDayMs}, {"s4", kT0 + 4 * kDayMs}}));
  purged = store_->Purge(kT0 + 2 * kDayMs);
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 0);
  // Appending still works after a purge.
  EXPECT_EQ(AppendOk(*store_, {MakeEvent("e5", EventType::kSearch, "s2", Channel::kWidget, kT0 + 5 * kDayMs)}), 1u);
  EXPECT_EQ(CountOf(*store_), 4);
}

TEST_F(SqliteEventStoreTest, HelpSessionsStartWithTheFirstSelfServiceEvent) {
  ASSERT_NE(store_, nullptr);
  const std::int64_t from = kT0, to = kT0 + kDayMs;
  std::vector<Event> events = {
      // A widget search in the range.
      MakeEvent("1", EventType::kSearch, "search", Channel::kWidget, from + 1),
      // Began the day before: not a session of this range.
      MakeEvent("2", EventType::kView, "earlier", Channel::kWidget, from - kMin),
      MakeEvent("3", EventType::kSearch, "earlier", Channel::kWidget, from + 2),
      // A click is not where a session starts; the view after it is.
      MakeEvent("4", EventType::kClick, "click-first", Channel::kWidget, from + 3),
      MakeEvent("5", EventType::kView, "click-first", Channel::kWidget, from + 4),
      // Agents do not start help sessions.
      MakeEvent("6", EventType::kSearch, "agent", Channel::kAgent, from + 5),
      // The contact form does, in German.
      MakeEvent("7", EventType::kSearch, "form-de", Channel::kContactForm, from + 6, "de-AT"),
      // Starts at the end of the range: the next range's.
      MakeEvent("8", EventType::kSearch, "next", Channel::kWidget, to),
      // Only an escalation: no help session.
      MakeEvent("9", EventType::kEscalate, "escalated", Channel::kWidget, from + 7),
  };
  ASSERT_EQ(AppendOk(*store_, events), events.size());
  // Learnt late: a session whose earlier view arrives after its search.
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("10", EventType::kSearch, "reordered", Channel::kWidget, from + 8)}), 1u);
  EXPECT_EQ(Sessions(*store_, EventFilter{from, to, std::nullopt, ""}).count("reordered"), 1u);
  ASSERT_EQ(AppendOk(*store_, {MakeEvent("11", EventType::kView, "reordered", Channel::kWidget, from - kMin)}), 1u);

  EXPECT_EQ(Sessions(*store_, EventFilter{from, to, std::nullopt, ""}),
            (std::map<std::string, std::int64_t>{
                {"search", from + 1}, {"click-first", from + 4}, {"form-de", from + 6}}));
  EXPECT_EQ(Sessions(*store_, EventFilter{from, to, Channel::kContactForm, ""}),
            (std::map<std::string, std::int64_t>{{"form-de", from + 6}}));
  EXPECT_EQ(Sessions(*store_, EventFilter{from, to, std::nullopt, "de"}),
            (std::map<std::string, std::int64_t>{{"form-de", from + 6}}));
  EXPECT_EQ(Sessions(*store_, EventFilter{from, to, Channel::kWidget, "en"}),
            (std::map<std::string, std::int64_t>{{"search", from + 1}, {"click-first", from + 4}}));
  EXPECT_EQ(Sessions(*store_, EventFilter{from - kDayMs, from, std::nullopt, ""}),
            (std::map<std::string, std::int64_t>{{"earlier", from - kMin}, {"reordered", from - kMin}}));
  EXPECT_EQ(Sessions(*store_, EventFilter{to, to + kDayMs, std::nullopt, ""}),
            (std::map<std::string, std::int64_t>{{"next", to}}));
}

TEST_F(SqliteEventStoreTest, TheFilterAdmitsByChannelAndLanguage) {
  const Event widget_de = MakeEvent("1", EventType::kSearch, "s", Channel::kWidget, kT0, "de-AT");
  const Event form_en = MakeEvent("2", EventType::kSearch, "s", Channel::kContactForm, kT0, "en");
  const Event no_locale = MakeEvent("3", EventType::kSearch, "s", Channel::kWidget, kT0, "");
  const EventFilter any{0, 0, std::nullopt, ""};
  const EventFilter widget{0, 0, Channel::kWidget, ""};
  const EventFilter german{0, 0, std::nullopt, "de"};
  EXPECT_TRUE(any.Admits(widget_de));
  EXPECT_TRUE(any.Admits(no_locale));
  EXPECT_TRUE(widget.Admits(widget_de));
  EXPECT_FALSE(widget.Admits(form_en));
  EXPECT_TRUE(german.Admits(widget_de));
  EXPECT_FALSE(german.Admits(form_en));
  EXPECT_FALSE(german.Admits(no_locale));
}

TEST_F(SqliteEventStoreTest, EveryAcknowledgedEventIsThereAfterReopening) {
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> events = EveryKind();
  ASSERT_EQ(AppendOk(*store_, events), events.size());
  store_->AppendLater({MakeEvent("queued", EventType::kSearch, "s9", Channel::kWidget, kT0 + 50)});
  store_.reset();  // closing writes what was queued

  std::unique_ptr<EventStore> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  std::vector<Event> expected = events;
  expected.push_back(MakeEvent("queued", EventType::kSearch, "s9", Channel::kWidget, kT0 + 50));
  EXPECT_EQ(Describe(Scan(*reopened, 0, kT0 * 2)), Describe(expected));
  // Ids stored before the reopening are still known.
  EXPECT_EQ(AppendOk(*reopened, {events[0], events[1]}), 0u);
  EXPECT_EQ(CountOf(*reopened), static_cast<std::int64_t>(expected.size()));
}

// When Append returns, the events are on disk: a process killed right after
// loses none of them.
TEST_F(SqliteEventStoreTest, AnAcknowledgedAppendSurvivesAKilledProcess) {
  store_.reset();
  int ack[2];
  ASSERT_EQ(::pipe(ack), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ack[0]);
    auto store = OpenSqliteEventStore(path_);
    char result = 'F';
    if (store) {
      auto added = (*store)->Append(EveryKind());
      if (added && *added == EveryKind().size()) result = 'A';
    }
    (void)!::write(ack[1], &result, 1);
    for (;;) ::pause();  // killed here, the store never closed
  }
  ::close(ack[1]);
  char result = 0;
  const ssize_t n = ::read(ack[0], &result, 1);
  ::close(ack[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(result, 'A');
  ASSERT_TRUE(WIFSIGNALED(status));

  std::unique_ptr<EventStore> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Describe(Scan(*reopened, 0, kT0 * 2)), Describe(EveryKind()));
}

TEST_F(SqliteEventStoreTest, TheFileIsInWalMode) {
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(AppendOk(*store_, EveryKind()), EveryKind().size());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

// Many threads appending at once (with retries of each other's events) lose
// nothing and count each event once; readers meanwhile see whole appends.
TEST_F(SqliteEventStoreTest, ConcurrentAppendsLoseNothing) {
  ASSERT_NE(store_, nullptr);
  constexpr int kThreads = 8;
  constexpr int kAppends = 15;
  constexpr int kPerAppend = 3;
  std::atomic<std::size_t> added{0};
  std::atomic<bool> writing{true};
  std::mutex mu;
  std::vector<std::string> problems;

  auto batch = [](int thread, int append) {
    std::vector<Event> events;
    for (int k = 0; k < kPerAppend; ++k) {
      Event e = MakeEvent(fmt::format("t{}-a{}-e{}", thread, append, k), EventType::kSearch,
                          fmt::format("t{}-a{}", thread, append), Channel::kWidget,
                          kT0 + (append * kThreads + thread) * kPerAppend + k);
      e.query = fmt::format("query {} {}", thread, append);
      events.push_back(e);
    }
    return events;
  };

  // A reader: every append is seen whole or not at all.
  std::thread reader([&] {
    for (int round = 0; round < 10000 && writing.load(); ++round) {
      std::map<std::string, int> per_append;
      auto r = store_->Scan(0, kT0 * 2, [&](const Event& e) { ++per_append[e.session_id]; });
      std::lock_guard<std::mutex> lock(mu);
      if (!r) problems.push_back("scan: " + r.error().ToString());
      for (const auto& [session, n] : per_append) {
        if (n != kPerAppend) problems.push_back(fmt::format("{} seen with {} events", session, n));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int a = 0; a < kAppends; ++a) {
        std::vector<Event> events = batch(t, a);
        // Every other append also carries a retry of the neighbour's events
        // (of the same a, so queued with them when a % 3 == 0).
        if (a % 2 == 1) {
          for (Event& e : batch((t + 1) % kThreads, a)) events.push_back(std::move(e));
        }
        if (a % 3 == 0) {
          store_->AppendLater(std::move(events));  // counted at the end
          continue;
        }
        auto n = store_->Append(std::move(events));
        if (!n) {
          std::lock_guard<std::mutex> lock(mu);
          problems.push_back("append: " + n.error().ToString());
          continue;
        }
        added.fetch_add(*n);
      }
    });
  }
  for (std::thread& w : writers) w.join();
  writing.store(false);
  reader.join();
  ASSERT_TRUE(store_->Flush().has_value());

  EXPECT_EQ(problems, std::vector<std::string>{});
  constexpr std::int64_t kAll = kThreads * kAppends * kPerAppend;
  EXPECT_EQ(CountOf(*store_), kAll);
  // The appends that waited (a % 3 != 0, neighbours' retries included)
  // counted each of their events once between them; the queue stored the
  // rest.
  EXPECT_EQ(added.load(), static_cast<std::size_t>(kThreads * 10 * kPerAppend));
  std::vector<std::string> expected;
  for (int a = 0; a < kAppends; ++a) {
    for (int t = 0; t < kThreads; ++t) {
      for (const Event& e : batch(t, a)) expected.push_back(e.event_id);
    }
  }
  EXPECT_EQ(Ids(Scan(*store_, 0, kT0 * 2)), expected);
}

// Appends that race with the same events count each one once between them.
TEST_F(SqliteEventStoreTest, RacingRetriesStoreEachEventOnce) {
  ASSERT_NE(store_, nullptr);
  constexpr int kThreads = 6;
  constexpr int kEvents = 40;
  std::vector<Event> events;
  for (int i = 0; i < kEvents; ++i) {
    events.push_back(MakeEvent(fmt::format("e{}", i), EventType::kView, "s", Channel::kWidget, kT0 + i));
  }
  std::atomic<std::size_t> added{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEvents; i += 4) {
        auto n = store_->Append(std::vector<Event>(events.begin() + i, events.begin() + i + 4));
        if (n) {
          added.fetch_add(*n);
        } else {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(added.load(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(CountOf(*store_), kEvents);
}

// What is thrown on the writer thread fails the appends of that transaction
// (nothing of it is stored, no one is told it was), and the store goes on.
// A backup taken while writers append is one consistent state: whole
// appends only, every one acknowledged before it began, and nothing after
// it ended; opened in place of the store, it holds exactly that.
TEST_F(SqliteEventStoreTest, ABackupWhileWritingIsConsistentAndRestores) {
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(AppendOk(*store_, EveryKind()), EveryKind().size());
  ASSERT_TRUE(store_->Reject("refund", "money back", kT0).has_value());
  std::atomic<int> acknowledged{0};
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int a = 0; writing.load() || a < 20; ++a) {
      std::vector<Event> events;
      for (int k = 0; k < 3; ++k) {
        events.push_back(MakeEvent(fmt::format("w{}-{}", a, k), EventType::kSearch, fmt::format("w{}", a),
                                   Channel::kWidget, kT0 + 100 + a * 3 + k));
      }
      if (store_->Append(std::move(events)).has_value()) acknowledged = a + 1;
    }
  });
  while (acknowledged.load() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int before = acknowledged.load();
  const std::string copy = tmp_.path() + "/backups/copy.sqlite";
  std::filesystem::create_directories(tmp_.path() + "/backups");
  auto stats = BackupSqliteEventStore(path_, copy);
  const int after = acknowledged.load();
  writing = false;
  writer.join();
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ(stats->bytes, static_cast<std::int64_t>(std::filesystem::file_size(copy)));
  EXPECT_FALSE(std::filesystem::exists(copy + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(copy + "-wal"));

  auto restored = OpenSqliteEventStore(copy);
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  const std::vector<Event> events = Scan(**restored, 0, kT0 * 2);
  EXPECT_EQ(static_cast<std::int64_t>(events.size()), stats->events);
  std::map<std::string, int> per_append;
  for (const Event& e : events) {
    if (e.session_id.starts_with("w")) ++per_append[e.session_id];
  }
  for (const auto& [session, n] : per_append) EXPECT_EQ(n, 3) << session;
  EXPECT_GE(static_cast<int>(per_append.size()), before);
  EXPECT_LE(static_cast<int>(per_append.size()), after);
  EXPECT_EQ(static_cast<std::size_t>(stats->events), EveryKind().size() + 3 * per_append.size());
  EXPECT_EQ(Ids(Scan(**restored, 0, kT0 + 100)), Ids(Scan(*store_, 0, kT0 + 100)));
  EXPECT_EQ((*restored)->ClientKey(), store_->ClientKey());                // so client hashes still match
  EXPECT_EQ((*restored)->Rejections().value(),
            (std::vector<std::pair<std::string, std::string>>{{"refund", "money back"}}));
}

TEST_F(SqliteEventStoreTest, ABackupThatCannotBeMadeSaysWhyAndLeavesNothing) {
  ASSERT_NE(store_, nullptr);
  auto missing = BackupSqliteEventStore(tmp_.path() + "/none.sqlite", tmp_.path() + "/copy.sqlite");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "no event store at " + tmp_.path() + "/none.sqlite");
  auto itself = BackupSqliteEventStore(path_, path_);
  ASSERT_FALSE(itself.has_value());
  EXPECT_EQ(itself.error().code(), ErrorCode::kInvalidArgument);
  auto nowhere = BackupSqliteEventStore(path_, tmp_.path() + "/no/such/dir/copy.sqlite");
  ASSERT_FALSE(nowhere.has_value());
  EXPECT_EQ(nowhere.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(nowhere.error().message().starts_with("cannot write " + tmp_.path() + "/no/such/dir/copy.sqlite.tmp"))
      << nowhere.error().message();
  // Not an event store: refused, and no copy is left.
  testing::WriteFile(tmp_.path(), "other.sqlite", "");
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((tmp_.path() + "/other.sqlite").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  auto foreign = BackupSqliteEventStore(tmp_.path() + "/other.sqlite", tmp_.path() + "/copy.sqlite");
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(tmp_.path() + "/copy.sqlite"));
  EXPECT_FALSE(std::filesystem::exists(tmp_.path() + "/copy.sqlite.tmp"));
}

TEST(SqliteEventStoreFaultTest, AnExceptionWhileWritingFailsTheAppendsAndTheStoreGoesOn) {
  TempDir tmp("event-store");
  std::atomic<int> commits{0};
  SqliteEventStoreOptions options;
  options.before_commit = [&] {
    if (commits.fetch_add(1) == 0) throw std::runtime_error("disk on fire");
  };
  auto store = OpenSqliteEventStore(tmp.path() + "/events.sqlite", options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto failed = (*store)->Append(EveryKind());
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(failed.error().message(), "event store: write failed: disk on fire");
  EXPECT_EQ(*(*store)->Count(), 0);
  EXPECT_TRUE((*store)->HelpSessions(EventFilter{0, kT0 * 2, std::nullopt, ""})->empty());
  // The same events again: all new, since none was kept.
  auto stored = (*store)->Append(EveryKind());
  ASSERT_TRUE(stored.has_value()) << stored.error().ToString();
  EXPECT_EQ(*stored, EveryKind().size());
  EXPECT_EQ(*(*store)->Count(), static_cast<std::int64_t>(EveryKind().size()));
  EXPECT_EQ((*store)->HelpSessions(EventFilter{0, kT0 * 2, std::nullopt, ""})->size(), 2u);
}

TEST(SqliteEventStoreOpenTest, CreatesMissingDirectories) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/var/lib/kb/events.sqlite";
  auto store = OpenSqliteEventStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
  auto added = (*store)->Append({MakeEvent("a", EventType::kView, "s", Channel::kWidget, kT0)});
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_EQ(*added, 1u);
}

TEST(SqliteEventStoreOpenTest, ADirectoryThatCannotBeMadeIsUnavailable) {
  TempDir tmp("event-store");
  testing::WriteFile(tmp.path(), "not-a-dir", "a file");
  const std::string path = tmp.path() + "/not-a-dir/events.sqlite";
  auto store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message(), "cannot open event store " + path + ": unable to open database file");
}

TEST(SqliteEventStoreOpenTest, AFileThatIsNotSqliteIsRefused) {
  TempDir tmp("event-store");
  const std::string path = testing::WriteFile(tmp.path(), "events.sqlite", std::string(4096, 'x'));
  auto store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss) << store.error().ToString();
  EXPECT_EQ(store.error().message(), path + " is not a kbsearch event store: event store: file is not a database");
  // Left as it was.
  EXPECT_EQ(std::filesystem::file_size(path), 4096u);
}

TEST(SqliteEventStoreOpenTest, ASqliteFileOfAnotherApplicationIsRefused) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/events.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE events(name TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss) << store.error().ToString();
  EXPECT_EQ(store.error().message(),
            path + " is not a kbsearch event store: event store: no such column: event_id");
}

// The first event stores had neither dwell times, actions, linked articles
// nor clients, nor a key: opening one adds them, and its events read as
// they were.
TEST(SqliteEventStoreOpenTest, AStoreOfTheFirstSchemaGetsTheNewColumns) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/events.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, R"sql(
    CREATE TABLE events(time_ms INTEGER NOT NULL, event_id TEXT NOT NULL, type INTEGER NOT NULL,
      session_id TEXT NOT NULL, channel INTEGER NOT NULL, locale TEXT NOT NULL, query_id TEXT NOT NULL,
      article_id TEXT NOT NULL, position INTEGER NOT NULL, helpful INTEGER, reason TEXT NOT NULL,
      query TEXT NOT NULL, filters TEXT NOT NULL, result_count INTEGER NOT NULL, ticket_id TEXT NOT NULL,
      PRIMARY KEY(time_ms, event_id)) WITHOUT ROWID;
    CREATE UNIQUE INDEX events_by_id ON events(event_id);
    INSERT INTO events VALUES(1793491200005, 'old-view', 2, 's1', 0, 'en', '', 'refund', 0, NULL, '', '', '', -1, '');
  )sql", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto store = OpenSqliteEventStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  Event view = MakeEvent("new-view", EventType::kView, "s2", Channel::kWidget, kT0 + 6);
  view.article_id = "refund";
  view.dwell_ms = 12'000;
  view.client = "00112233445566aa";
  ASSERT_EQ((*store)->Append({view}).value_or(0), 1u);
  std::vector<Event> scanned;
  ASSERT_TRUE((*store)->Scan(kT0, kT0 + 10, [&](const Event& e) { scanned.push_back(e); }).has_value());
  Event old = MakeEvent("old-view", EventType::kView, "s1", Channel::kWidget, kT0 + 5);
  old.article_id = "refund";
  EXPECT_EQ(Describe(scanned), Describe(std::vector<Event>{old, view}));
  const SipKey key = (*store)->ClientKey();
  store->reset();
  auto again = OpenSqliteEventStore(path);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ((*again)->ClientKey(), key);
}

// The client key is made at random with the store and kept in it.
TEST(SqliteEventStoreOpenTest, EachStoreKeepsAClientKeyOfItsOwn) {
  TempDir tmp("event-store");
  auto a = OpenSqliteEventStore(tmp.path() + "/a.sqlite");
  auto b = OpenSqliteEventStore(tmp.path() + "/b.sqlite");
  ASSERT_TRUE(a.has_value() && b.has_value());
  const SipKey key = (*a)->ClientKey();
  EXPECT_NE(key, (*b)->ClientKey());
  EXPECT_NE(key, SipKey{});
  a->reset();
  auto reopened = OpenSqliteEventStore(tmp.path() + "/a.sqlite");
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->ClientKey(), key);
}

// A key that is not 32 hex digits is a damaged store, not a new key: a new
// one would split every client in two.
TEST(SqliteEventStoreOpenTest, ADamagedClientKeyIsRefused) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/events.sqlite";
  ASSERT_TRUE(OpenSqliteEventStore(path).has_value());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = 'xyz' WHERE key = 'client_key'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(store.error().message(),
            "event store " + path + " is damaged: its client_key is 'xyz', not 32 hex digits");
}

TEST(SqliteEventStoreOpenTest, AFileLockedByAnotherProcessIsRefused) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/events.sqlite";
  {
    auto store = OpenSqliteEventStore(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    ASSERT_EQ((*store)->Append({MakeEvent("a", EventType::kView, "s", Channel::kWidget, kT0)}).value_or(0), 1u);
  }
  {
    testing::SqliteLockHolder holder(path);
    ASSERT_TRUE(holder.locked());
    auto store = OpenSqliteEventStore(path);
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable) << store.error().ToString();
    EXPECT_EQ(store.error().message(),
              "cannot open event store " + path + ": another process holds a lock on it (database is locked)");
  }
  // Once the other process lets go, it opens with what it had.
  auto store = OpenSqliteEventStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Count().value_or(-1), 1);
}

TEST(SqliteEventStoreOpenTest, ACorruptFileIsRefused) {
  TempDir tmp("event-store");
  const std::string path = tmp.path() + "/events.sqlite";
  {
    auto store = OpenSqliteEventStore(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    std::vector<Event> many;
    for (int i = 0; i < 2000; ++i) {
      many.push_back(MakeEvent(fmt::format("e{}", i), EventType::kView, fmt::format("s{}", i), Channel::kWidget,
                               kT0 + i));
    }
    ASSERT_EQ((*store)->Append(many).value_or(0), many.size());
  }
  // Checkpointed into the main file (the store's last connection closed),
  // which then loses its second half.
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));
  const std::uintmax_t size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
  auto store = OpenSqliteEventStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss) << store.error().ToString();
  EXPECT_EQ(store.error().message(), "event store " + path +
                                         " is corrupt (database disk image is malformed): restore it from a backup, "
                                         "or move it away to start an empty one");
  EXPECT_EQ(std::filesystem::file_size(path), size / 2);  // left as it was
}

// A full disk: the batch that does not fit is refused whole, with its own
// code, every batch acknowledged before is kept, and once there is room
// the store takes batches again.
TEST(SqliteEventStoreFaultTest, AFullDiskRefusesTheBatchAndKeepsWhatWasAcknowledged) {
  TempDir tmp("event-store");
  std::string why;
  auto disk = testing::Tmpfs::Mount(tmp.path() + "/disk", "1m", &why);
  if (!disk) GTEST_SKIP() << why;
  const std::string path = disk->path() + "/events.sqlite";
  auto store = OpenSqliteEventStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto batch = [](int n) {
    std::vector<Event> events;
    for (int i = 0; i < 20; ++i) {
      const int k = n * 20 + i;
      events.push_back(MakeEvent(fmt::format("e{}", k), EventType::kView, fmt::format("s{}", k), Channel::kWidget,
                                 kT0 + k));
    }
    return events;
  };
  std::set<std::string> acknowledged;
  auto append = [&](int n) -> Result<std::size_t> {
    auto added = (*store)->Append(batch(n));
    if (added) {
      for (const Event& e : batch(n)) acknowledged.insert(e.event_id);
    }
    return added;
  };
  int n = 0;
  for (; n < 5; ++n) ASSERT_TRUE(append(n).has_value());
  ASSERT_TRUE(disk->Fill());

  // The first batch that needs a new page of the disk is refused; what
  // fitted in pages the file already had was stored.
  Result<std::size_t> refused = std::size_t{0};
  for (int tries = 0; tries < 100 && refused; ++tries) refused = append(n++);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused.error().message(), "the event store's disk is full (database or disk is full)");
  const std::vector<Event> lost = batch(n - 1);
  auto still = (*store)->Append(batch(n));
  ASSERT_FALSE(still.has_value());
  EXPECT_EQ(still.error().message(), "the event store's disk is full (database or disk is full)");

  disk->Unfill();
  ASSERT_TRUE(append(n).has_value());
  store->reset();
  auto reopened = OpenSqliteEventStore(path);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  std::set<std::string> stored;
  ASSERT_TRUE((*reopened)->Scan(0, kT0 * 2, [&](const Event& e) { stored.insert(e.event_id); }));
  EXPECT_EQ(stored, acknowledged);
  for (const Event& e : lost) EXPECT_EQ(stored.count(e.event_id), 0u) << e.event_id;
}

}  // namespace
}  // namespace kb::analytics
