// kb-events-bench: the analytics event store under a month of synthetic
// help-center traffic. Fills a fresh SQLite event store through Append in
// large durable batches, then times Summarise over the whole month beside
// its peer in the same run: a plain SQLite GROUP BY over the same file, the
// least any summary that reads every event has to do.
//
// usage: kb-events-bench [--events N] [--batch N] [--dir DIR]
// The last line is exactly:
//   summary_ms kb=<median> sqlite_scan_ms=<median> events=<N> append_per_s=<rate>
// Figures are reported, never judged: the exit code says only whether the
// benchmark could run.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <tuple>
#include <vector>

#include <fmt/core.h>

#include "indexer/base/caught.h"
#include "indexer/base/error.h"
#include "indexer/base/flags.h"
#include "indexer/base/temp_dir.h"
#include "server/analytics/event.h"
#include "server/analytics/event_store.h"
#include "server/analytics/summary.h"

namespace kb::bench::events {

namespace {

using analytics::Channel;
using analytics::Event;
using analytics::EventType;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUsage =
    "usage: kb-events-bench [--events N] [--batch N] [--dir DIR]\n"
    "  --events N  synthetic events to store and summarise (default 1000000)\n"
    "  --batch N   events per Append call while filling the store (default 10000)\n"
    "  --dir DIR   where the temporary store is made (default: the system's\n"
    "              temporary directory; it must be a real disk for durable\n"
    "              appends to mean anything)\n";

constexpr int kDays = 30;
constexpr int kArticles = 200;
constexpr int kTimedRuns = 3;
// What the server records as the filters of a search without any.
constexpr std::string_view kNoFilters = R"({"category":"","page":1,"product":"","tags":[],"type":""})";

struct Options {
  std::int64_t events = 1'000'000;
  std::int64_t batch = 10'000;
  std::string dir;
};

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Samples 0-based ranks 0..n-1 with probability proportional to
// 1 / (rank + 1)^s.
class Zipf {
 public:
  Zipf(std::size_t n, double s) {
    cdf_.reserve(n);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      total += 1.0 / std::pow(static_cast<double>(i + 1), s);
      cdf_.push_back(total);
    }
    for (double& c : cdf_) c /= total;
  }

  std::size_t operator()(std::mt19937_64& rng) const {
    const double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    const auto it = std::lower_bound(cdf_.begin(), cdf_.end(), r);
    return std::min(static_cast<std::size_t>(it - cdf_.begin()), cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

// What sessions talk about: the articles, and the normalised queries with
// the articles their results list, best first.
struct Catalogue {
  std::vector<std::string> articles;
  std::vector<std::string> queries;        // most frequent first
  std::vector<std::vector<int>> results;   // per query; empty: no result
};

Catalogue MakeCatalogue(std::mt19937_64& rng) {
  static constexpr std::array<std::string_view, 20> kVerbs = {
      "reset",  "change", "update",   "cancel",  "delete",  "export",  "import", "connect", "install", "configure",
      "enable", "disable", "share",   "download", "upgrade", "transfer", "recover", "verify", "merge",  "rename"};
  static constexpr std::array<std::string_view, 40> kObjects = {
      "password",        "email address",  "account",          "subscription",   "invoice",
      "payment method",  "billing address", "two factor login", "api key",        "team member",
      "workspace",       "project",        "report",           "calendar",       "notification settings",
      "mobile app",      "browser extension", "integration",   "webhook",        "data export",
      "profile picture", "language",       "time zone",        "plan",           "trial",
      "refund",          "order",          "shipping address", "license",        "device",
      "backup",          "domain",         "ssl certificate",  "single sign on", "user role",
      "permissions",     "dashboard",      "template",         "folder",         "shared file"};
  static constexpr std::array<std::string_view, 5> kTails = {"", " on iphone", " on android", " not working",
                                                             " error"};
  Catalogue c;
  for (int i = 0; i < kArticles; ++i) c.articles.push_back(fmt::format("article-{:03}", i));
  for (std::string_view verb : kVerbs) {
    for (std::string_view object : kObjects) {
      for (std::string_view tail : kTails) c.queries.push_back(fmt::format("{} {}{}", verb, object, tail));
    }
  }
  std::shuffle(c.queries.begin(), c.queries.end(), rng);
  c.queries.resize(3000);
  // Popular articles answer more queries; about one query in fifteen finds
  // nothing (a content gap).
  const Zipf popularity(kArticles, 0.9);
  for (std::size_t q = 0; q < c.queries.size(); ++q) {
    std::vector<int> list;
    if (rng() % 15 != 0) {
      const std::size_t n = 3 + rng() % 8;
      while (list.size() < n) {
        const int a = static_cast<int>(popularity(rng));
        if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
      }
    }
    c.results.push_back(std::move(list));
  }
  return c;
}

// Makes help sessions, one at a time, in order of their start.
class SessionMaker {
 public:
  explicit SessionMaker(const Catalogue& catalogue)
      : catalogue_(catalogue), rng_(0x6b627365), query_rank_(catalogue.queries.size(), 1.0), position_(10, 1.3),
        article_rank_(kArticles, 0.9) {}

  // Appends the events of one session starting at `start_ms` to `out`.
  void Make(std::int64_t start_ms, std::vector<Event>& out) {
    session_id_ = fmt::format("s{:07x}", sessions_++);
    next_event_ = 0;
    time_ms_ = start_ms;
    locale_ = Pick({{"en", 60}, {"en-US", 15}, {"de", 15}, {"fr-FR", 10}});
    if (Chance(0.10)) {
      MakeAgentSession(out);
    } else {
      MakeCustomerSession(out);
    }
  }

  std::int64_t sessions() const { return sessions_; }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p; }

  std::string Pick(std::initializer_list<std::pair<std::string_view, int>> weighted) {
    int total = 0;
    for (const auto& [v, w] : weighted) total += w;
    int r = static_cast<int>(rng_() % static_cast<std::uint64_t>(total));
    for (const auto& [v, w] : weighted) {
      if (r < w) return std::string(v);
      r -= w;
    }
    return std::string(weighted.begin()->first);
  }

  // A new event of this session, a few seconds to a minute and a half after
  // the one before.
  Event& Next(std::vector<Event>& out, EventType type, Channel channel) {
    time_ms_ += 2000 + static_cast<std::int64_t>(rng_() % 88000);
    Event& e = out.emplace_back();
    e.event_id = fmt::format("{}.{}", session_id_, next_event_++);
    e.type = type;
    e.session_id = session_id_;
    e.channel = channel;
    e.time_ms = time_ms_;
    e.locale = locale_;
    return e;
  }

  // A search and what follows it on the results page; returns the query id.
  std::string Search(std::vector<Event>& out, Channel channel, double click_chance, std::vector<int>& seen) {
    const std::size_t q = query_rank_(rng_);
    const std::vector<int>& results = catalogue_.results[q];
    Event& s = Next(out, EventType::kSearch, channel);
    s.query_id = fmt::format("{}.q{}", session_id_, next_event_);
    s.query = catalogue_.queries[q];
    s.filters = kNoFilters;
    s.result_count = results.empty() ? 0 : 3 + static_cast<std::int64_t>(rng_() % 60);
    const std::string query_id = s.query_id;
    if (results.empty()) return query_id;
    for (int clicks = 0; clicks < 2 && Chance(clicks == 0 ? click_chance : 0.2); ++clicks) {
      const std::size_t position = std::min(position_(rng_), results.size() - 1);
      const std::string& article = catalogue_.articles[static_cast<std::size_t>(results[position])];
      Event& c = Next(out, EventType::kClick, channel);
      c.query_id = query_id;
      c.article_id = article;
      c.position = static_cast<int>(position) + 1;
      Event& v = Next(out, EventType::kView, channel);
      v.article_id = article;
      seen.push_back(results[position]);
    }
    return query_id;
  }

  // A customer on the widget or the contact form: maybe an article opened
  // straight from a link, one to three searches, maybe a vote or a
  // resolution, and in about one session in seven an escalation to a human.
  void MakeCustomerSession(std::vector<Event>& out) {
    const Channel channel = Chance(0.75) ? Channel::kWidget : Channel::kContactForm;
    std::vector<int> seen;
    if (Chance(0.15)) {
      const int a = static_cast<int>(article_rank_(rng_));
      Next(out, EventType::kView, channel).article_id = catalogue_.articles[static_cast<std::size_t>(a)];
      seen.push_back(a);
    }
    const int searches = 1 + (Chance(0.35) ? 1 : 0) + (Chance(0.12) ? 1 : 0);
    std::string last_query_id;
    for (int i = 0; i < searches; ++i) last_query_id = Search(out, channel, 0.55, seen);
    if (!seen.empty()) {
      const std::string& article = catalogue_.articles[static_cast<std::size_t>(seen.back())];
      if (Chance(0.25)) {
        Event& v = Next(out, EventType::kVote, channel);
        v.article_id = article;
        v.helpful = Chance(0.75);
      }
      if (Chance(0.12)) Next(out, EventType::kResolve, channel).article_id = article;
    }
    if (Chance(seen.empty() ? 0.25 : 0.09)) Next(out, EventType::kEscalate, channel).query_id = last_query_id;
  }

  // An agent looking up answers while handling a ticket.
  void MakeAgentSession(std::vector<Event>& out) {
    std::vector<int> seen;
    const int searches = 1 + (Chance(0.4) ? 1 : 0) + (Chance(0.15) ? 1 : 0);
    for (int i = 0; i < searches; ++i) Search(out, Channel::kAgent, 0.7, seen);
  }

  const Catalogue& catalogue_;
  std::mt19937_64 rng_;
  Zipf query_rank_, position_, article_rank_;
  std::int64_t sessions_ = 0;
  std::string session_id_, locale_;
  int next_event_ = 0;
  std::int64_t time_ms_ = 0;
};

struct Filled {
  std::int64_t events = 0;
  std::int64_t sessions = 0;
  std::int64_t batches = 0;
  double append_s = 0;  // inside Append only, not making the events
};

// Fills `store` with `options.events` events whose sessions start evenly
// over [from_ms, from_ms + 30 days - 1 hour), in durable batches.
Result<Filled> Fill(analytics::EventStore& store, const Options& options, std::int64_t from_ms) {
  std::mt19937_64 rng(20261123);
  const Catalogue catalogue = MakeCatalogue(rng);
  SessionMaker maker(catalogue);
  const double span_ms = static_cast<double>(kDays * kDayMs - kHourMs);
  Filled filled;
  std::vector<Event> batch;
  while (filled.events < options.events) {
    batch.clear();
    batch.reserve(static_cast<std::size_t>(options.batch) + 16);
    while (static_cast<std::int64_t>(batch.size()) < options.batch &&
           filled.events + static_cast<std::int64_t>(batch.size()) < options.events) {
      const double done =
          static_cast<double>(filled.events + static_cast<std::int64_t>(batch.size())) / static_cast<double>(options.events);
      maker.Make(from_ms + static_cast<std::int64_t>(done * span_ms), batch);
    }
    // The last session may be cut short to hit the count exactly.
    const auto room = static_cast<std::size_t>(options.events - filled.events);
    if (batch.size() > room) batch.resize(room);
    const std::int64_t n = static_cast<std::int64_t>(batch.size());
    const auto start = Clock::now();
    auto added = store.Append(std::move(batch));
    filled.append_s += Seconds(start);
    batch = {};
    if (!added) return Fail(added.error());
    if (static_cast<std::int64_t>(*added) != n) {
      return Fail(Error::Internal(fmt::format("Append stored {} of {} new events", *added, n)));
    }
    filled.events += n;
    ++filled.batches;
  }
  filled.sessions = maker.sessions();
  return filled;
}

struct Timings {
  std::vector<double> ms;
  double best() const { return ms.empty() ? 0.0 : *std::min_element(ms.begin(), ms.end()); }
  double median() const { return Median(ms); }
};

// Times Summarise over the month, kTimedRuns times; `last` receives the
// summary of the last run.
Result<Timings> TimeSummary(analytics::EventStore& store, std::int64_t from_ms, analytics::Summary& last) {
  analytics::SummaryRequest request;
  request.filter.from_ms = from_ms;
  request.filter.to_ms = from_ms + kDays * kDayMs;
  Timings t;
  for (int i = 0; i < kTimedRuns; ++i) {
    const auto start = Clock::now();
    auto s = analytics::Summarise(store, request);
    t.ms.push_back(Seconds(start) * 1000.0);
    if (!s) return Fail(s.error());
    last = std::move(*s);
  }
  return t;
}

// Where Summarise's time goes: its two reads of the store alone, with the
// same range, kTimedRuns times each.
Result<std::pair<Timings, Timings>> TimeStoreReads(analytics::EventStore& store, std::int64_t from_ms) {
  analytics::EventFilter filter;
  filter.from_ms = from_ms;
  filter.to_ms = from_ms + kDays * kDayMs;
  Timings sessions, scan;
  for (int i = 0; i < kTimedRuns; ++i) {
    auto start = Clock::now();
    auto starts = store.HelpSessions(filter);
    sessions.ms.push_back(Seconds(start) * 1000.0);
    if (!starts) return Fail(starts.error());
    std::int64_t seen = 0;
    start = Clock::now();
    auto scanned = store.Scan(filter.from_ms, filter.to_ms + kDayMs, [&](const Event&) { ++seen; });
    scan.ms.push_back(Seconds(start) * 1000.0);
    if (!scanned) return Fail(scanned.error());
  }
  return std::pair{std::move(sessions), std::move(scan)};
}

// The peer: `SELECT count(*), type FROM events GROUP BY type` on a
// connection of its own, kTimedRuns times; `counts` receives the rows.
Result<Timings> TimeSqliteScan(const std::string& path, std::vector<std::pair<int, std::int64_t>>& counts) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Error::Unavailable(fmt::format("cannot open {}: {}", path, db != nullptr ? sqlite3_errmsg(db) : "?"));
    sqlite3_close_v2(db);
    return Fail(std::move(e));
  }
  Timings t;
  for (int i = 0; i < kTimedRuns; ++i) {
    counts.clear();
    const auto start = Clock::now();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*), type FROM events GROUP BY type", -1, &s, nullptr) != SQLITE_OK) {
      Error e = Error::Unavailable(fmt::format("sqlite: {}", sqlite3_errmsg(db)));
      sqlite3_close_v2(db);
      return Fail(std::move(e));
    }
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) counts.emplace_back(sqlite3_column_int(s, 1), sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    t.ms.push_back(Seconds(start) * 1000.0);
    if (step != SQLITE_DONE) {
      Error e = Error::Unavailable(fmt::format("sqlite: {}", sqlite3_errmsg(db)));
      sqlite3_close_v2(db);
      return Fail(std::move(e));
    }
  }
  sqlite3_close_v2(db);
  return t;
}

std::uintmax_t FileBytes(const std::string& path) {
  std::error_code ec;
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::uintmax_t n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}


// Reads the flags; returns an exit code when the program should stop.
std::optional<int> ParseArgs(const std::vector<std::string>& args, Options& options, std::ostream& out,
                             std::ostream& err) {
  if (AsksForHelp(args)) {
    out << kUsage;
    return 0;
  }
  std::string events, batch;
  bool events_given = false, batch_given = false;
  FlagParser parser;
  parser.Value("events", &events, &events_given).Value("batch", &batch, &batch_given).Value("dir", &options.dir);
  auto usage = [&](const std::string& message) {
    err << "kb-events-bench: " << message << "\n" << kUsage;
    return 2;
  };
  if (auto parsed = parser.Parse(args); !parsed) return usage(parsed.error().message());
  for (auto [text, given, name, out_value] : {std::tuple{&events, events_given, "events", &options.events},
                                              std::tuple{&batch, batch_given, "batch", &options.batch}}) {
    if (!given) continue;
    auto n = ParseCount(*text, INT64_MAX);
    if (!n) return usage(fmt::format("--{} must be a whole number from 1, got '{}'", name, *text));
    *out_value = *n;
  }
  return std::nullopt;
}

std::string Percent(const std::optional<double>& v) { return v ? fmt::format("{:.1f}%", *v * 100.0) : "-"; }

}  // namespace

int RunEventsBench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (auto code = ParseArgs(args, options, out, err)) return *code;
  if (!options.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    // TempDir makes its directory under $TMPDIR.
    setenv("TMPDIR", options.dir.c_str(), 1);
  }
  auto fail = [&](const Error& e) {
    err << "kb-events-bench: " << e.ToString() << "\n";
    return 1;
  };
  const TempDir tmp("kb-events-bench");
  const std::string path = tmp.path() + "/events.sqlite";
  auto from_ms = ParseTime("2026-01-01");
  if (!from_ms) return fail(from_ms.error());

  analytics::Summary summary;
  Result<Timings> kb = Fail(Error::Internal("not run"));
  Filled filled;
  std::pair<Timings, Timings> reads;
  {
    auto store = analytics::OpenSqliteEventStore(path);
    if (!store) return fail(store.error());
    auto f = Fill(**store, options, *from_ms);
    if (!f) return fail(f.error());
    filled = *f;
    kb = TimeSummary(**store, *from_ms, summary);
    if (!kb) return fail(kb.error());
    auto r = TimeStoreReads(**store, *from_ms);
    if (!r) return fail(r.error());
    reads = std::move(*r);
  }
  std::vector<std::pair<int, std::int64_t>> counts;
  auto peer = TimeSqliteScan(path, counts);
  if (!peer) return fail(peer.error());

  const double append_rate = static_cast<double>(filled.events) / filled.append_s;
  out << fmt::format("store: {} ({:.0f} MiB), {} events in {} sessions over {} days, {} articles\n", path,
                     static_cast<double>(FileBytes(path)) / (1024.0 * 1024.0), filled.events, filled.sessions, kDays,
                     kArticles);
  out << fmt::format("append: {} batches of up to {} events, each durable (WAL, synchronous=FULL): {:.2f} s in Append, "
                     "{:.0f} events/s\n",
                     filled.batches, options.batch, filled.append_s, append_rate);
  std::string by_type;
  for (const auto& [type, n] : counts) {
    by_type += fmt::format("{}{}={}", by_type.empty() ? "" : " ", analytics::EventTypeName(static_cast<EventType>(type)), n);
  }
  out << "events by type: " << by_type << "\n";
  out << fmt::format(
      "summary: help_sessions={} escalated={} deflection={} searches={} ctr={} zero_result={} clicks={} "
      "avg_position={:.2f} agent_lookups={} articles={} queries_top={}\n",
      summary.help_sessions, summary.escalated_sessions, Percent(summary.deflection_rate), summary.searches,
      Percent(summary.search_ctr), Percent(summary.zero_result_rate), summary.clicks,
      summary.avg_click_position.value_or(0.0), summary.agent.lookups, summary.articles.size(),
      summary.top_queries.size());
  out << fmt::format("over all {} days, warm page cache, {} runs each; ms\n", kDays, kTimedRuns);
  auto row = [&](std::string_view name, const Timings& t) {
    std::string runs;
    for (double ms : t.ms) runs += fmt::format("{}{:.0f}", runs.empty() ? "" : " ", ms);
    out << fmt::format("{:<34} {:>9.1f} {:>10.1f}   {}\n", name, t.best(), t.median(), runs);
  };
  out << fmt::format("{:<34} {:>9} {:>10}   {}\n", "system", "best_ms", "median_ms", "runs");
  row("kb Summarise", *kb);
  row("  of which store.HelpSessions", reads.first);
  row("  of which store.Scan (+1 day)", reads.second);
  row("sqlite count(*) GROUP BY type", *peer);
  out << fmt::format("summary_ms kb={:.1f} sqlite_scan_ms={:.1f} events={} append_per_s={:.0f}\n", kb->median(),
                     peer->median(), filled.events, append_rate);
  return 0;
}

}  // namespace kb::bench::events

int main(int argc, char** argv) {
  return kb::RunMain("kb-events-bench", std::cerr, [&] {
    return kb::bench::events::RunEventsBench(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  });
}
