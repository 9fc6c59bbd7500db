// The event store several server replicas share: PostgreSQL, through
// libpq (the only file that includes it).
//
// As in the SQLite store, one writer thread (GroupCommit) commits every
// append waiting when it wakes in one transaction, and an append returns
// when PostgreSQL has committed it. Reads take a connection of their own
// from a small pool. A connection that breaks is opened again at its next
// use, so the store reconnects by itself once PostgreSQL is back; until
// then, appends fail with kUnavailable, and the events the server queued
// itself (search logging) are kept, up to kMaxBacklog, to be written then.
//
// Several stores (one per replica) may write at once: events are
// deduplicated by event_id in the database, session starts only ever move
// earlier, and each transaction takes its row locks in key order, so that
// two replicas never deadlock.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

#include <fmt/core.h>

#include "server/analytics/event_store.h"
#include "server/analytics/group_commit.h"
#include "server/analytics/store_rows.h"

namespace kb::analytics {

namespace {

constexpr auto kLinger = std::chrono::milliseconds(50);
// While PostgreSQL is away, the writer tries again this often for the
// events nobody waits for.
constexpr auto kRetryDelay = std::chrono::milliseconds(1000);
// Server-made events kept while PostgreSQL is away; beyond it, the oldest
// batches are dropped.
constexpr std::size_t kMaxBacklog = 100000;
// Idle read connections kept open.
constexpr std::size_t kIdleReaders = 4;
// Rows a scan fetches at a time.
constexpr int kFetchRows = 5000;

// Every connection's settings unless the URL sets them: no wait of more
// than a few seconds for a host that does not answer, for a statement, or
// for a lock.
constexpr const char* kDefaultKeys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                                        "keepalives_count", "tcp_user_timeout", "options", "application_name",
                                        "client_encoding"};
constexpr const char* kDefaultValues[] = {"3", "10", "5", "2", "10000",
                                          "-c statement_timeout=30000 -c lock_timeout=10000 "
                                          "-c idle_in_transaction_session_timeout=60000",
                                          "kb-server", "UTF8"};

// The schema, one step per version; the store's version is kept in meta.
// A step runs once, in the transaction that records it.
constexpr const char* kMigrations[] = {
    // 1: the tables of the SQLite store. Text is compared byte by byte
    // (COLLATE "C"), so that scans come out in the same order as there.
    R"sql(
CREATE TABLE events(
  event_id TEXT COLLATE "C" PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  type SMALLINT NOT NULL,
  session_id TEXT COLLATE "C" NOT NULL,
  channel SMALLINT NOT NULL,
  locale TEXT COLLATE "C" NOT NULL,
  query_id TEXT COLLATE "C" NOT NULL,
  article_id TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  helpful BOOLEAN,
  reason TEXT NOT NULL,
  query TEXT COLLATE "C" NOT NULL,
  filters TEXT NOT NULL,
  result_count BIGINT NOT NULL,
  ticket_id TEXT COLLATE "C" NOT NULL,
  dwell_ms BIGINT NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  article_ids TEXT COLLATE "C" NOT NULL,
  client TEXT COLLATE "C" NOT NULL);
CREATE INDEX events_by_time ON events(time_ms, event_id);
CREATE TABLE session_starts(
  session_id TEXT COLLATE "C" NOT NULL,
  channel SMALLINT NOT NULL,
  language TEXT COLLATE "C" NOT NULL,
  first_ms BIGINT NOT NULL,
  PRIMARY KEY(session_id, channel, language));
CREATE INDEX session_starts_by_time ON session_starts(first_ms);
CREATE TABLE rejections(
  article_id TEXT COLLATE "C" NOT NULL,
  text TEXT COLLATE "C" NOT NULL,
  time_ms BIGINT NOT NULL,
  PRIMARY KEY(article_id, text));
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));
// Held while a store creates or migrates the schema: replicas starting
// together take turns.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7243105212)";

constexpr const char* kInsertEvent =
    "INSERT INTO events(event_id, time_ms, type, session_id, channel, locale, query_id, article_id, position, "
    "helpful, reason, query, filters, result_count, ticket_id, dwell_ms, action, article_ids, client) "
    "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kInsertStart =
    "INSERT INTO session_starts(session_id, channel, language, first_ms) VALUES($1,$2,$3,$4) "
    "ON CONFLICT (session_id, channel, language) DO UPDATE SET first_ms = excluded.first_ms "
    "WHERE excluded.first_ms < session_starts.first_ms";

// A connection, closed on destruction.
class Conn {
 public:
  Conn() = default;
  explicit Conn(PGconn* c) : c_(c) {}
  Conn(Conn&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  Conn& operator=(Conn&& o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~Conn() {
    if (c_ != nullptr) PQfinish(c_);
  }
  PGconn* get() const { return c_; }
  bool ok() const { return c_ != nullptr && PQstatus(c_) == CONNECTION_OK; }

 private:
  PGconn* c_ = nullptr;
};

// A result, cleared on destruction.
class Res {
 public:
  explicit Res(PGresult* r) : r_(r) {}
  Res(Res&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Res& operator=(Res&&) = delete;
  ~Res() {
    if (r_ != nullptr) PQclear(r_);
  }
  PGresult* get() const { return r_; }
  ExecStatusType status() const { return PQresultStatus(r_); }
  std::string_view sqlstate() const {
    const char* s = r_ == nullptr ? nullptr : PQresultErrorField(r_, PG_DIAG_SQLSTATE);
    return s == nullptr ? std::string_view() : std::string_view(s);
  }
  int rows() const { return PQntuples(r_); }
  std::string_view text(int row, int col) const {
    return std::string_view(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
  }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::int64_t int64(int row, int col) const {
    const std::string_view t = text(row, col);
    std::int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }

 private:
  PGresult* r_;
};

// libpq's messages end with a newline, and may run over several lines.
std::string OneLine(const char* message) {
  std::string s = message == nullptr ? std::string() : std::string(message);
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The URL without its password, for messages.
std::string Describe(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "postgresql://(a URL libpq cannot read)";
  }
  std::map<std::string, std::string> values;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) values[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  std::string out = "postgresql://";
  if (values.contains("user")) out += values["user"] + "@";
  out += values.contains("host") ? values["host"] : std::string("localhost");
  if (values.contains("port")) out += ":" + values["port"];
  out += "/" + (values.contains("dbname") ? values["dbname"] : std::string());
  return out;
}

// What a failed statement is to the caller: a full disk is
// kResourceExhausted, a lost connection or a server that is shutting down
// kUnavailable, tables of another shape kDataLoss, missing rights
// kFailedPrecondition. Anything else is kUnavailable too: the append may
// be tried again.
Error PgError(PGconn* c, const Res* r, std::string_view what, const std::string& where) {
  const std::string message = OneLine(r != nullptr && r->get() != nullptr ? PQresultErrorMessage(r->get())
                                                                          : PQerrorMessage(c));
  const std::string_view state = r != nullptr ? r->sqlstate() : std::string_view();
  if (state.starts_with("53")) {
    return Error::ResourceExhausted(fmt::format("the event store's disk is full ({})", message));
  }
  if (state == "42P01" || state == "42703" || state == "42804" || state == "42P07") {
    return Error::DataLoss(fmt::format("{} is not a kbsearch event store: {}", where, message));
  }
  if (state == "42501" || state.starts_with("28")) {
    return Error::FailedPrecondition(fmt::format("event store {}: {}: {}", where, what, message));
  }
  return Error::Unavailable(fmt::format("event store {}: {}: {}", where, what, message));
}

Result<Conn> Connect(const std::string& url, const std::string& where) {
  std::vector<const char*> keys(std::begin(kDefaultKeys), std::end(kDefaultKeys));
  std::vector<const char*> values(std::begin(kDefaultValues), std::end(kDefaultValues));
  keys.push_back("dbname");  // expanded: what the URL sets overrides the defaults
  values.push_back(url.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  Conn c(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (c.get() == nullptr) return Fail(Error::Unavailable(fmt::format("cannot connect to {}: out of memory", where)));
  if (!c.ok()) {
    return Fail(Error::Unavailable(fmt::format("cannot connect to the event store {}: {}", where,
                                               OneLine(PQerrorMessage(c.get())))));
  }
  // PostgreSQL's notices ("relation already exists, skipping", "terminating
  // connection") are not the server's to print: what matters comes back as
  // an error.
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

// Runs `sql` (no parameters); fails unless it gives `want`.
Result<Res> Exec(PGconn* c, const std::string& sql, const std::string& where, std::string_view what,
                 ExecStatusType want = PGRES_COMMAND_OK) {
  Res r(PQexec(c, sql.c_str()));
  if (r.status() != want) return Fail(PgError(c, &r, what, where));
  return r;
}

Result<Res> ExecParams(PGconn* c, const char* sql, const std::vector<std::string>& params, const std::string& where,
                       std::string_view what, ExecStatusType want) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  Res r(PQexecParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  if (r.status() != want) return Fail(PgError(c, &r, what, where));
  return r;
}

// Creates or migrates the schema, and reads (making it if needed) the
// client key, in one transaction.
Result<SipKey> PrepareSchema(PGconn* c, const std::string& where) {
  auto in_transaction = [&]() -> Result<SipKey> {
    if (auto r = Exec(c, kSchemaLock, where, "schema", PGRES_TUPLES_OK); !r) return Fail(r.error());
    if (auto r = Exec(c, "CREATE TABLE IF NOT EXISTS meta(key TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL)",
                      where, "schema");
        !r) {
      return Fail(r.error());
    }
    auto version = Exec(c, "SELECT value FROM meta WHERE key = 'schema_version'", where, "schema", PGRES_TUPLES_OK);
    if (!version) return Fail(version.error());
    int have = 0;
    if (version->rows() > 0) {
      const std::string_view t = version->text(0, 0);
      if (std::from_chars(t.data(), t.data() + t.size(), have).ec != std::errc() || have < 1) {
        return Fail(Error::DataLoss(fmt::format("event store {} is damaged: its schema_version is '{}'", where, t)));
      }
    }
    if (have > kSchemaVersion) {
      return Fail(Error::FailedPrecondition(
          fmt::format("event store {} has schema version {}, made by a newer kbsearch; this one knows up to {}",
                      where, have, kSchemaVersion)));
    }
    for (int v = have + 1; v <= kSchemaVersion; ++v) {
      if (auto r = Exec(c, kMigrations[v - 1], where, fmt::format("schema version {}", v)); !r) {
        if (r.error().code() == ErrorCode::kDataLoss) {
          return Fail(Error::DataLoss(fmt::format(
              "event store {}: the database already has tables that kbsearch did not make ({}): give kbsearch a "
              "database (or a schema, with options=-csearch_path=...) of its own",
              where, r.error().message())));
        }
        return Fail(r.error());
      }
    }
    if (auto r = ExecParams(c,
                            "INSERT INTO meta(key, value) VALUES('schema_version', $1) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            {std::to_string(kSchemaVersion)}, where, "schema", PGRES_COMMAND_OK);
        !r) {
      return Fail(r.error());
    }
    if (auto r = ExecParams(c, "INSERT INTO meta(key, value) VALUES('client_key', $1) ON CONFLICT (key) DO NOTHING",
                            {rows::NewClientKeyHex()}, where, "meta", PGRES_COMMAND_OK);
        !r) {
      return Fail(r.error());
    }
    auto key = Exec(c, "SELECT value FROM meta WHERE key = 'client_key'", where, "meta", PGRES_TUPLES_OK);
    if (!key) return Fail(key.error());
    if (key->rows() != 1) return Fail(Error::DataLoss(fmt::format("event store {} has no client_key", where)));
    return rows::ParseClientKeyHex(std::string(key->text(0, 0)), where);
  };
  if (auto r = Exec(c, "BEGIN", where, "schema"); !r) return Fail(r.error());
  auto key = in_transaction();
  if (!key) {
    (void)Exec(c, "ROLLBACK", where, "schema");
    return key;
  }
  if (auto r = Exec(c, "COMMIT", where, "schema"); !r) return Fail(r.error());
  return key;
}

class PostgresEventStore final : public EventStore {
 public:
  PostgresEventStore(std::string url, std::string where, Conn writer, SipKey client_key)
      : url_(std::move(url)),
        where_(std::move(where)),
        writer_(std::move(writer)),
        client_key_(client_key),
        commits_(
            [this](const GroupCommit::Batch& batch, std::vector<std::size_t>& added) {
              std::lock_guard<std::mutex> lock(write_mu_);
              Result<void> written = Write(batch, added);
              // Two replicas' transactions may still meet in a deadlock or
              // a serialization failure, or the connection was found broken:
              // one more try.
              if (!written && retry_once_) written = Write(batch, added);
              return written;
            },
            [this] {
              std::lock_guard<std::mutex> lock(write_mu_);
              Rollback();
            },
            GroupCommit::Options{kLinger, kMaxBacklog, kRetryDelay}) {}

  Result<std::size_t> Append(std::vector<Event> events) override { return commits_.Append(std::move(events)); }
  void AppendLater(std::vector<Event> events) override { commits_.AppendLater(std::move(events)); }
  Result<void> Flush() override { return commits_.Flush(); }

  Result<void> Scan(std::int64_t from_ms, std::int64_t to_ms, const std::function<void(const Event&)>& f,
                    Fields fields) override {
    // One snapshot, read through a cursor a few thousand rows at a time.
    const std::string columns =
        fields == Fields::kAll
            ? "event_id, time_ms, type, session_id, channel, locale, query_id, article_id, position, helpful, reason, "
              "query, filters, result_count, ticket_id, dwell_ms, action, article_ids, client"
            : "'', time_ms, type, session_id, channel, locale, query_id, article_id, position, helpful, '', query, "
              "'', result_count, '', dwell_ms, action, article_ids, client";
    return WithReader<void>([&](PGconn* c) -> Result<void> {
      if (auto r = Exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", where_, "scan"); !r) return Fail(r.error());
      if (auto r = Exec(c,
                        fmt::format("DECLARE kb_scan NO SCROLL CURSOR FOR SELECT {} FROM events WHERE time_ms >= {} "
                                    "AND time_ms < {} ORDER BY time_ms, event_id",
                                    columns, from_ms, to_ms),
                        where_, "scan");
          !r) {
        return Fail(r.error());
      }
      const std::string fetch = fmt::format("FETCH {} FROM kb_scan", kFetchRows);
      Event e;
      for (;;) {
        auto rows = Exec(c, fetch, where_, "scan", PGRES_TUPLES_OK);
        if (!rows) return Fail(rows.error());
        for (int i = 0; i < rows->rows(); ++i) {
          ReadEvent(*rows, i, e);
          f(e);
        }
        if (rows->rows() < kFetchRows) break;
      }
      if (auto r = Exec(c, "COMMIT", where_, "scan"); !r) return Fail(r.error());
      return {};
    });
  }

  Result<std::vector<SessionStart>> HelpSessions(const EventFilter& filter) override {
    // As in the SQLite store: a session starts in the range when it has a
    // start row in it and none before it.
    auto r = WithReader<Res>([&](PGconn* c) { return ExecParams(
        c,
        "SELECT s.session_id, min(s.first_ms) FROM session_starts s "
        "WHERE s.first_ms >= $1::bigint AND s.first_ms < $2::bigint AND ($3::int < 0 OR s.channel = $3::int) "
        "AND ($4::text = '' OR s.language = $4::text) GROUP BY s.session_id "
        "HAVING NOT EXISTS (SELECT 1 FROM session_starts p WHERE p.session_id = s.session_id "
        "AND p.first_ms < $1::bigint AND ($3::int < 0 OR p.channel = $3::int) "
        "AND ($4::text = '' OR p.language = $4::text)) ORDER BY s.session_id",
        {std::to_string(filter.from_ms), std::to_string(filter.to_ms),
         std::to_string(filter.channel ? static_cast<int>(*filter.channel) : -1), filter.language},
        where_, "help sessions", PGRES_TUPLES_OK); });
    if (!r) return Fail(r.error());
    std::vector<SessionStart> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) out.push_back(SessionStart{std::string(r->text(i, 0)), r->int64(i, 1)});
    return out;
  }

  Result<std::int64_t> Purge(std::int64_t before_ms) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    known_starts_.Clear();  // rows may go
    if (auto ready = ReadyWriter(); !ready) return Fail(ready.error());
    auto purge = [&]() -> Result<std::int64_t> {
      if (auto r = Exec(writer_.get(), "BEGIN", where_, "purge"); !r) return Fail(r.error());
      auto events = ExecParams(writer_.get(), "DELETE FROM events WHERE time_ms < $1::bigint",
                               {std::to_string(before_ms)}, where_, "purge", PGRES_COMMAND_OK);
      if (!events) return Fail(events.error());
      if (auto r = ExecParams(writer_.get(), "DELETE FROM session_starts WHERE first_ms < $1::bigint",
                              {std::to_string(before_ms)}, where_, "purge", PGRES_COMMAND_OK);
          !r) {
        return Fail(r.error());
      }
      if (auto r = Commit(); !r) return Fail(r.error());
      return ParseCount(PQcmdTuples(events->get()));
    };
    auto deleted = purge();
    if (!deleted) Rollback();
    return deleted;
  }

  Result<std::int64_t> Count() override {
    auto r = WithReader<Res>(
        [&](PGconn* c) { return Exec(c, "SELECT count(*) FROM events", where_, "count", PGRES_TUPLES_OK); });
    if (!r) return Fail(r.error());
    return r->int64(0, 0);
  }

  const SipKey& ClientKey() const override { return client_key_; }

  Result<void> Reject(const std::string& article_id, const std::string& text, std::int64_t time_ms) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    for (int attempt = 0;; ++attempt) {
      if (auto ready = ReadyWriter(); !ready) return Fail(ready.error());
      auto r = ExecParams(writer_.get(),
                          "INSERT INTO rejections(article_id, text, time_ms) VALUES($1, $2, $3::bigint) "
                          "ON CONFLICT (article_id, text) DO NOTHING",
                          {article_id, text, std::to_string(time_ms)}, where_, "rejection", PGRES_COMMAND_OK);
      if (r) return {};
      if (writer_.ok() || attempt > 0) return Fail(r.error());  // else: connect again, once
    }
  }

  Result<std::vector<std::pair<std::string, std::string>>> Rejections() override {
    auto r = WithReader<Res>([&](PGconn* c) {
      return Exec(c, "SELECT article_id, text FROM rejections ORDER BY article_id, text", where_, "rejections",
                  PGRES_TUPLES_OK);
    });
    if (!r) return Fail(r.error());
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->text(i, 0), r->text(i, 1));
    return out;
  }

 private:
  static std::int64_t ParseCount(const char* text) {
    std::int64_t n = 0;
    if (text != nullptr) std::from_chars(text, text + std::strlen(text), n);
    return n;
  }

  static void ReadEvent(const Res& r, int i, Event& e) {
    e.event_id.assign(r.text(i, 0));
    e.time_ms = r.int64(i, 1);
    e.type = static_cast<EventType>(r.int64(i, 2));
    e.session_id.assign(r.text(i, 3));
    e.channel = static_cast<Channel>(r.int64(i, 4));
    e.locale.assign(r.text(i, 5));
    e.query_id.assign(r.text(i, 6));
    e.article_id.assign(r.text(i, 7));
    e.position = static_cast<int>(r.int64(i, 8));
    e.helpful = r.null(i, 9) ? std::nullopt : std::optional<bool>(r.text(i, 9) == "t");
    e.reason.assign(r.text(i, 10));
    e.query.assign(r.text(i, 11));
    e.filters.assign(r.text(i, 12));
    e.result_count = r.int64(i, 13);
    e.ticket_id.assign(r.text(i, 14));
    e.dwell_ms = r.int64(i, 15);
    e.action.assign(r.text(i, 16));
    rows::SplitArticleIds(r.text(i, 17), e.article_ids);
    e.client.assign(r.text(i, 18));
  }

  // Runs `read` on a read connection. A connection found broken (idle ones
  // are, after PostgreSQL restarts) is dropped with every idle one, and
  // `read` runs once more on a new connection.
  template <typename T, typename F>
  Result<T> WithReader(F read) {
    for (int attempt = 0;; ++attempt) {
      auto c = TakeReader();
      if (!c) return Fail(c.error());
      Result<T> r = read(c->get());
      if (r) {
        GiveBack(std::move(*c));
        return r;
      }
      if (c->ok()) {
        if (PQtransactionStatus(c->get()) != PQTRANS_IDLE) Res(PQexec(c->get(), "ROLLBACK"));
        GiveBack(std::move(*c));
        return r;
      }
      {
        std::lock_guard<std::mutex> lock(readers_mu_);
        readers_.clear();
      }
      if (attempt > 0) return r;
    }
  }

  // A read connection: an idle one, or a new one.
  Result<Conn> TakeReader() {
    {
      std::lock_guard<std::mutex> lock(readers_mu_);
      while (!readers_.empty()) {
        Conn c = std::move(readers_.back());
        readers_.pop_back();
        if (c.ok()) return c;
      }
    }
    return Connect(url_, where_);
  }

  void GiveBack(Conn c) {
    if (!c.ok() || PQtransactionStatus(c.get()) != PQTRANS_IDLE) return;
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (readers_.size() < kIdleReaders) readers_.push_back(std::move(c));
  }

  // The writer connection, opened again if it broke, with its statements
  // prepared. Called with write_mu_ held.
  Result<void> ReadyWriter() {
    if (!writer_.ok()) {
      prepared_ = false;
      auto c = Connect(url_, where_);
      if (!c) return Fail(c.error());
      writer_ = std::move(*c);
    }
    if (prepared_) return {};
    for (const auto& [name, sql] : {std::pair{"kb_insert_event", kInsertEvent}, std::pair{"kb_insert_start", kInsertStart}}) {
      Res r(PQprepare(writer_.get(), name, sql, 0, nullptr));
      if (r.status() != PGRES_COMMAND_OK) return Fail(PgError(writer_.get(), &r, "prepare", where_));
    }
    prepared_ = true;
    return {};
  }

  Result<void> Commit() {
    Res r(PQexec(writer_.get(), "COMMIT"));
    // COMMIT of a failed transaction "succeeds" as a ROLLBACK.
    if (r.status() != PGRES_COMMAND_OK || std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
      return Fail(PgError(writer_.get(), &r, "commit", where_));
    }
    return {};
  }

  void Rollback() {
    known_starts_.Clear();  // it may name rows that were rolled back
    if (writer_.ok() && PQtransactionStatus(writer_.get()) != PQTRANS_IDLE) {
      Res r(PQexec(writer_.get(), "ROLLBACK"));
    }
  }

  // Writes every pending append in one transaction: the events in event_id
  // order, then the session starts in key order, so that concurrent
  // replicas lock rows in the same order. Called with write_mu_ held.
  Result<void> Write(const GroupCommit::Batch& batch, std::vector<std::size_t>& added) {
    retry_once_ = false;
    std::fill(added.begin(), added.end(), 0);
    std::vector<std::pair<const Event*, std::size_t>> order;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      for (const Event& e : batch[i].events) order.emplace_back(&e, i);
    }
    if (order.empty()) return {};  // a Flush: everything before it is written
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first->event_id < b.first->event_id; });
    if (auto ready = ReadyWriter(); !ready) {
      retry_once_ = !writer_.ok();
      return ready;
    }
    auto fail = [&](Error e) -> Result<void> {
      if (!writer_.ok()) retry_once_ = true;
      Rollback();
      return Fail(std::move(e));
    };
    if (auto r = Exec(writer_.get(), "BEGIN", where_, "insert"); !r) return fail(r.error());
    std::map<std::tuple<std::string, int, std::string>, std::int64_t> starts;
    std::vector<std::string> params(19);
    std::vector<const char*> values(19);
    for (const auto& [e, i] : order) {
      params[0] = e->event_id;
      params[1] = std::to_string(e->time_ms);
      params[2] = std::to_string(static_cast<int>(e->type));
      params[3] = e->session_id;
      params[4] = std::to_string(static_cast<int>(e->channel));
      params[5] = e->locale;
      params[6] = e->query_id;
      params[7] = e->article_id;
      params[8] = std::to_string(e->position);
      params[9] = e->helpful ? (*e->helpful ? "t" : "f") : "";
      params[10] = e->reason;
      params[11] = e->query;
      params[12] = e->filters;
      params[13] = std::to_string(e->result_count);
      params[14] = e->ticket_id;
      params[15] = std::to_string(e->dwell_ms);
      params[16] = e->action;
      params[17] = rows::JoinArticleIds(e->article_ids);
      params[18] = e->client;
      for (std::size_t k = 0; k < params.size(); ++k) values[k] = params[k].c_str();
      if (!e->helpful) values[9] = nullptr;
      Res r(PQexecPrepared(writer_.get(), "kb_insert_event", 19, values.data(), nullptr, nullptr, 0));
      if (r.status() != PGRES_COMMAND_OK) return fail(WriteError(r));
      if (ParseCount(PQcmdTuples(r.get())) == 0) continue;  // a retry: stored already
      ++added[i];
      if (const auto language = rows::SessionStartLanguage(*e)) {
        auto [at, fresh] = starts.try_emplace({e->session_id, static_cast<int>(e->channel), *language}, e->time_ms);
        if (!fresh) at->second = std::min(at->second, e->time_ms);
      }
    }
    for (const auto& [key, first_ms] : starts) {
      Event start;
      start.session_id = std::get<0>(key);
      start.channel = static_cast<Channel>(std::get<1>(key));
      start.time_ms = first_ms;
      if (!known_starts_.NeedsWrite(start, std::get<2>(key))) continue;
      const std::string channel = std::to_string(std::get<1>(key)), first = std::to_string(first_ms);
      const char* v[] = {start.session_id.c_str(), channel.c_str(), std::get<2>(key).c_str(), first.c_str()};
      Res r(PQexecPrepared(writer_.get(), "kb_insert_start", 4, v, nullptr, nullptr, 0));
      if (r.status() != PGRES_COMMAND_OK) return fail(WriteError(r));
    }
    if (auto r = Commit(); !r) return fail(r.error());
    return {};
  }

  // Also marks a write that is worth one more try: one that met another
  // replica's transaction in a deadlock or serialization failure, or found
  // the connection broken (PostgreSQL restarted since it was used: the
  // retry connects again). A retry of a commit whose answer was lost stores
  // nothing twice: events are deduplicated by id.
  Error WriteError(const Res& r) {
    const std::string_view state = r.sqlstate();
    retry_once_ = state == "40P01" || state == "40001" || !writer_.ok();
    return PgError(writer_.get(), &r, "insert", where_);
  }

  const std::string url_;
  const std::string where_;  // the URL without its password
  Conn writer_;
  const SipKey client_key_;
  std::mutex write_mu_;  // the writer connection
  bool prepared_ = false;
  bool retry_once_ = false;
  rows::KnownStarts known_starts_;

  std::mutex readers_mu_;
  std::vector<Conn> readers_;

  GroupCommit commits_;  // last: its thread writes with everything above
};

}  // namespace

bool IsPostgresUrl(std::string_view where) {
  return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

Result<std::unique_ptr<EventStore>> OpenPostgresEventStore(const std::string& url) {
  if (!IsPostgresUrl(url)) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not a PostgreSQL URL: write postgresql://user:password@host:port/database", url)));
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    const std::string why = OneLine(error);
    PQfreemem(error);
    return Fail(Error::InvalidArgument(fmt::format("the event store URL cannot be read: {}", why)));
  }
  PQconninfoFree(parsed);
  const std::string where = Describe(url);
  auto writer = Connect(url, where);
  if (!writer) return Fail(writer.error());
  auto key = PrepareSchema(writer->get(), where);
  if (!key) return Fail(key.error());
  return std::unique_ptr<EventStore>(std::make_unique<PostgresEventStore>(url, where, std::move(*writer), *key));
}

}  // namespace kb::analytics
