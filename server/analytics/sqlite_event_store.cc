// The embedded event store: one SQLite file in WAL mode.
//
// Writes go through one writer thread with its own connection (GroupCommit):
// every append waiting when it wakes is written in one transaction and made
// durable by one fsync (synchronous=FULL), then all of them are
// acknowledged. Events nobody waits for (the server's search log) are
// gathered for up to kLinger first, so that they cost one commit per
// interval, not one each.
// Reads open their own connections; WAL lets them run beside the writer.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <chrono>
#include <thread>

#include <fmt/core.h>

#include "indexer/base/caught.h"
#include "indexer/text/analyzer.h"
#include "server/analytics/event_store.h"
#include "server/analytics/group_commit.h"
#include "server/analytics/store_rows.h"

namespace kb::analytics {

namespace {

constexpr auto kLinger = std::chrono::milliseconds(50);
// How long a statement waits for another connection's lock: while serving,
// and when the store is opened (a lock held that long at start is another
// process's, and the start fails).
constexpr int kBusyTimeoutMs = 10000;
constexpr int kOpenBusyTimeoutMs = 2000;

// Events are stored in time order (the table is clustered on its primary
// key), so a range is read sequentially, with no index lookup per row.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events(
  time_ms INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  locale TEXT NOT NULL,
  query_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  helpful INTEGER,
  reason TEXT NOT NULL,
  query TEXT NOT NULL,
  filters TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  ticket_id TEXT NOT NULL,
  dwell_ms INTEGER NOT NULL DEFAULT -1,
  action TEXT NOT NULL DEFAULT '',
  article_ids TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(time_ms, event_id)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS events_by_id ON events(event_id);
CREATE TABLE IF NOT EXISTS session_starts(
  session_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  language TEXT NOT NULL,
  first_ms INTEGER NOT NULL,
  PRIMARY KEY(session_id, channel, language)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS session_starts_by_time ON session_starts(first_ms);
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejections(
  article_id TEXT NOT NULL,
  text TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  PRIMARY KEY(article_id, text)) WITHOUT ROWID;
)sql";

// The columns added since the first event stores, added to a store that
// lacks them (their defaults are what its events had).
constexpr const char* kAddedColumns = R"sql(
ALTER TABLE events ADD COLUMN dwell_ms INTEGER NOT NULL DEFAULT -1;
ALTER TABLE events ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN article_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN client TEXT NOT NULL DEFAULT '';
)sql";

// A connection, closed on destruction.
class Db {
 public:
  Db() = default;
  explicit Db(sqlite3* db) : db_(db) {}
  Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Db& operator=(Db&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }
  ~Db() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt() = default;
  Stmt(Stmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Stmt() {
    if (s_ != nullptr) sqlite3_finalize(s_);
  }
  sqlite3_stmt* get() const { return s_; }
  sqlite3_stmt** out() { return &s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// A full disk is its own error: the client is told nothing was stored
// because there is no room, not that the store is away.
Error DiskFull(sqlite3* db) {
  return Error::ResourceExhausted(fmt::format("the event store's disk is full ({})", sqlite3_errmsg(db)));
}

Error SqlError(sqlite3* db, std::string_view what) {
  if (db != nullptr && sqlite3_errcode(db) == SQLITE_FULL) return DiskFull(db);
  return Error::Unavailable(fmt::format("event store: {}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "no database"));
}

Result<void> Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Error e = sqlite3_errcode(db) == SQLITE_FULL
                  ? DiskFull(db)
                  : Error::Unavailable(fmt::format("event store: {}", message != nullptr ? message : "failed"));
    sqlite3_free(message);
    return Fail(std::move(e));
  }
  return {};
}

Result<Stmt> Prepare(sqlite3* db, const char* sql) {
  Stmt s;
  if (sqlite3_prepare_v2(db, sql, -1, s.out(), nullptr) != SQLITE_OK) return Fail(SqlError(db, "prepare"));
  return s;
}

void BindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

// Reads a text column into `out`, reusing its buffer.
void ColumnText(sqlite3_stmt* s, int i, std::string& out) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  if (p == nullptr) {
    out.clear();
  } else {
    out.assign(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  }
}

Result<bool> HasColumn(sqlite3* db, const char* table, std::string_view column) {
  auto s = Prepare(db, fmt::format("PRAGMA table_info({})", table).c_str());
  if (!s) return Fail(s.error());
  int rc;
  std::string name;
  while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
    ColumnText(s->get(), 1, name);
    if (name == column) return true;
  }
  if (rc != SQLITE_DONE) return Fail(SqlError(db, "table_info"));
  return false;
}

// The store's key for ClientHash: made once, at random, when the store is
// created, and kept in it.
Result<SipKey> ReadClientKey(sqlite3* db, const std::string& path) {
  const std::string made = rows::NewClientKeyHex();
  auto insert = Prepare(db, "INSERT OR IGNORE INTO meta(key, value) VALUES('client_key', ?)");
  if (!insert) return Fail(insert.error());
  BindText(insert->get(), 1, made);
  if (sqlite3_step(insert->get()) != SQLITE_DONE) return Fail(SqlError(db, "meta"));
  auto select = Prepare(db, "SELECT value FROM meta WHERE key = 'client_key'");
  if (!select) return Fail(select.error());
  if (sqlite3_step(select->get()) != SQLITE_ROW) return Fail(SqlError(db, "meta"));
  std::string hex;
  ColumnText(select->get(), 0, hex);
  return rows::ParseClientKeyHex(hex, path);
}

Result<Db> Open(const std::string& path, bool write) {
  sqlite3* raw = nullptr;
  const int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                          : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return Fail(Error::Unavailable(
        fmt::format("cannot open event store {}: {}", path, raw != nullptr ? sqlite3_errmsg(raw) : "out of memory")));
  }
  if (!write) {
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
    return db;
  }
  // Opening for writing proves it can write, now: a file that is locked by
  // another process, corrupt, or not an event store stops the start rather
  // than every append later.
  sqlite3_busy_timeout(db.get(), kOpenBusyTimeoutMs);
  auto refuse = [&](const Error& e) -> Error {
    switch (sqlite3_errcode(db.get())) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Error::Unavailable(fmt::format(
            "cannot open event store {}: another process holds a lock on it ({})", path, sqlite3_errmsg(db.get())));
      case SQLITE_NOTADB:
        return Error::DataLoss(fmt::format("{} is not a kbsearch event store: {}", path, e.message()));
      case SQLITE_CORRUPT:
        return Error::DataLoss(fmt::format(
            "event store {} is corrupt ({}): restore it from a backup, or move it away to start an empty one", path,
            sqlite3_errmsg(db.get())));
      default: return e;
    }
  };
  // WAL: readers never block the writer. FULL: the WAL is fsynced at every
  // commit, so an acknowledged event survives a crash of the process or of
  // the machine.
  if (auto r = Exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !r) return Fail(refuse(r.error()));
  if (auto r = Exec(db.get(), kSchema); !r) {
    if (sqlite3_errcode(db.get()) != SQLITE_ERROR) return Fail(refuse(r.error()));
    // Tables of another shape.
    return Fail(Error::DataLoss(fmt::format("{} is not a kbsearch event store: {}", path, r.error().message())));
  }
  if (auto has = HasColumn(db.get(), "events", "client"); !has) {
    return Fail(refuse(has.error()));
  } else if (!*has) {
    if (auto r = Exec(db.get(), fmt::format("BEGIN IMMEDIATE;{}COMMIT;", kAddedColumns).c_str()); !r) {
      (void)Exec(db.get(), "ROLLBACK");
      return Fail(refuse(r.error()));
    }
  }
  // The schema may have been there already, which takes no write lock.
  if (auto r = Exec(db.get(), "BEGIN IMMEDIATE; ROLLBACK;"); !r) return Fail(refuse(r.error()));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

class SqliteEventStore final : public EventStore {
 public:
  SqliteEventStore(std::string path, Db writer, SipKey client_key, SqliteEventStoreOptions options)
      : path_(std::move(path)),
        writer_(std::move(writer)),
        client_key_(client_key),
        options_(std::move(options)),
        commits_([this](const GroupCommit::Batch& batch, std::vector<std::size_t>& added) { return Write(batch, added); },
                 [this] {
                   std::lock_guard<std::mutex> lock(write_mu_);
                   (void)Exec(writer_.get(), "ROLLBACK");  // if a transaction is open
                   known_starts_.Clear();
                 },
                 GroupCommit::Options{kLinger, 0, kLinger}) {}

  Result<void> Prepare() {
    auto insert = analytics::Prepare(writer_.get(),
                                     "INSERT OR IGNORE INTO events(event_id, time_ms, type, session_id, channel, "
                                     "locale, query_id, article_id, position, helpful, reason, query, filters, "
                                     "result_count, ticket_id, dwell_ms, action, article_ids, client) "
                                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!insert) return Fail(insert.error());
    insert_ = std::move(*insert);
    auto start = analytics::Prepare(writer_.get(),
                                    "INSERT INTO session_starts(session_id, channel, language, first_ms) "
                                    "VALUES(?,?,?,?) ON CONFLICT(session_id, channel, language) "
                                    "DO UPDATE SET first_ms = excluded.first_ms WHERE excluded.first_ms < first_ms");
    if (!start) return Fail(start.error());
    start_ = std::move(*start);
    return {};
  }

  Result<std::size_t> Append(std::vector<Event> events) override { return commits_.Append(std::move(events)); }
  void AppendLater(std::vector<Event> events) override { commits_.AppendLater(std::move(events)); }
  Result<void> Flush() override { return commits_.Flush(); }

  Result<void> Scan(std::int64_t from_ms, std::int64_t to_ms, const std::function<void(const Event&)>& f,
                    Fields fields) override {
    auto db = Open(path_, /*write=*/false);
    if (!db) return Fail(db.error());
    auto s = analytics::Prepare(
        db->get(), fields == Fields::kAll
                       ? "SELECT event_id, time_ms, type, session_id, channel, locale, query_id, article_id, position, "
                         "helpful, reason, query, filters, result_count, ticket_id, dwell_ms, action, article_ids, "
                         "client FROM events WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms, event_id"
                       : "SELECT '', time_ms, type, session_id, channel, locale, query_id, article_id, position, "
                         "helpful, '', query, '', result_count, '', dwell_ms, action, article_ids, client FROM events "
                         "WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms, event_id");
    if (!s) return Fail(s.error());
    sqlite3_bind_int64(s->get(), 1, from_ms);
    sqlite3_bind_int64(s->get(), 2, to_ms);
    Event e;
    std::string ids;
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
      sqlite3_stmt* st = s->get();
      ColumnText(st, 0, e.event_id);
      e.time_ms = sqlite3_column_int64(st, 1);
      e.type = static_cast<EventType>(sqlite3_column_int(st, 2));
      ColumnText(st, 3, e.session_id);
      e.channel = static_cast<Channel>(sqlite3_column_int(st, 4));
      ColumnText(st, 5, e.locale);
      ColumnText(st, 6, e.query_id);
      ColumnText(st, 7, e.article_id);
      e.position = sqlite3_column_int(st, 8);
      e.helpful = sqlite3_column_type(st, 9) == SQLITE_NULL ? std::nullopt
                                                             : std::optional<bool>(sqlite3_column_int(st, 9) != 0);
      ColumnText(st, 10, e.reason);
      ColumnText(st, 11, e.query);
      ColumnText(st, 12, e.filters);
      e.result_count = sqlite3_column_int64(st, 13);
      ColumnText(st, 14, e.ticket_id);
      e.dwell_ms = sqlite3_column_int64(st, 15);
      ColumnText(st, 16, e.action);
      ColumnText(st, 17, ids);
      rows::SplitArticleIds(ids, e.article_ids);
      ColumnText(st, 18, e.client);
      f(e);
    }
    if (rc != SQLITE_DONE) return Fail(SqlError(db->get(), "scan"));
    return {};
  }

  Result<std::vector<SessionStart>> HelpSessions(const EventFilter& filter) override {
    auto db = Open(path_, /*write=*/false);
    if (!db) return Fail(db.error());
    // A session starts in the range when it has a start row in it and none
    // before it (rows are per channel and language, so filters apply).
    auto s = analytics::Prepare(
        db->get(),
        "SELECT s.session_id, min(s.first_ms) FROM session_starts s "
        "WHERE s.first_ms >= ?1 AND s.first_ms < ?2 AND (?3 < 0 OR s.channel = ?3) AND (?4 = '' OR s.language = ?4) "
        "GROUP BY s.session_id "
        "HAVING NOT EXISTS (SELECT 1 FROM session_starts p WHERE p.session_id = s.session_id AND p.first_ms < ?1 "
        "AND (?3 < 0 OR p.channel = ?3) AND (?4 = '' OR p.language = ?4))");
    if (!s) return Fail(s.error());
    sqlite3_bind_int64(s->get(), 1, filter.from_ms);
    sqlite3_bind_int64(s->get(), 2, filter.to_ms);
    sqlite3_bind_int(s->get(), 3, filter.channel ? static_cast<int>(*filter.channel) : -1);
    BindText(s->get(), 4, filter.language);
    std::vector<SessionStart> out;
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
      SessionStart start;
      ColumnText(s->get(), 0, start.session_id);
      start.first_ms = sqlite3_column_int64(s->get(), 1);
      out.push_back(std::move(start));
    }
    if (rc != SQLITE_DONE) return Fail(SqlError(db->get(), "help sessions"));
    return out;
  }

  Result<std::int64_t> Purge(std::int64_t before_ms) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    known_starts_.Clear();  // rows may go
    auto del = analytics::Prepare(writer_.get(), "DELETE FROM events WHERE time_ms < ?");
    if (!del) return Fail(del.error());
    sqlite3_bind_int64(del->get(), 1, before_ms);
    if (auto r = Exec(writer_.get(), "BEGIN IMMEDIATE"); !r) return Fail(r.error());
    if (sqlite3_step(del->get()) != SQLITE_DONE) {
      Error e = SqlError(writer_.get(), "purge");
      (void)Exec(writer_.get(), "ROLLBACK");
      return Fail(std::move(e));
    }
    const std::int64_t deleted = sqlite3_changes64(writer_.get());
    auto starts = analytics::Prepare(writer_.get(), "DELETE FROM session_starts WHERE first_ms < ?");
    if (!starts) {
      (void)Exec(writer_.get(), "ROLLBACK");
      return Fail(starts.error());
    }
    sqlite3_bind_int64(starts->get(), 1, before_ms);
    if (sqlite3_step(starts->get()) != SQLITE_DONE) {
      Error e = SqlError(writer_.get(), "purge");
      (void)Exec(writer_.get(), "ROLLBACK");
      return Fail(std::move(e));
    }
    if (auto r = Exec(writer_.get(), "COMMIT"); !r) {
      (void)Exec(writer_.get(), "ROLLBACK");
      return Fail(r.error());
    }
    return deleted;
  }

  const SipKey& ClientKey() const override { return client_key_; }

  Result<void> Reject(const std::string& article_id, const std::string& text, std::int64_t time_ms) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    auto insert = analytics::Prepare(writer_.get(), "INSERT OR IGNORE INTO rejections(article_id, text, time_ms) VALUES(?,?,?)");
    if (!insert) return Fail(insert.error());
    sqlite3_bind_text(insert->get(), 1, article_id.data(), static_cast<int>(article_id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert->get(), 2, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert->get(), 3, time_ms);
    if (sqlite3_step(insert->get()) != SQLITE_DONE) return Fail(SqlError(writer_.get(), "rejection"));
    return {};
  }

  Result<std::vector<std::pair<std::string, std::string>>> Rejections() override {
    auto db = Open(path_, /*write=*/false);
    if (!db) return Fail(db.error());
    auto s = analytics::Prepare(db->get(), "SELECT article_id, text FROM rejections ORDER BY article_id, text");
    if (!s) return Fail(s.error());
    std::vector<std::pair<std::string, std::string>> out;
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s->get(), 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(s->get(), 1)));
    }
    if (rc != SQLITE_DONE) return Fail(SqlError(db->get(), "rejections"));
    return out;
  }

  Result<std::int64_t> Count() override {
    auto db = Open(path_, /*write=*/false);
    if (!db) return Fail(db.error());
    auto s = analytics::Prepare(db->get(), "SELECT count(*) FROM events");
    if (!s) return Fail(s.error());
    if (sqlite3_step(s->get()) != SQLITE_ROW) return Fail(SqlError(db->get(), "count"));
    return sqlite3_column_int64(s->get(), 0);
  }

 private:
  // Writes every pending append in one transaction.
  Result<void> Write(const GroupCommit::Batch& batch, std::vector<std::size_t>& added) {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (auto r = Exec(writer_.get(), "BEGIN IMMEDIATE"); !r) return r;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      for (const Event& e : batch[i].events) {
        auto r = Insert(e);
        if (!r) {
          (void)Exec(writer_.get(), "ROLLBACK");
          known_starts_.Clear();  // it may name rows that were rolled back
          return Fail(r.error());
        }
        added[i] += *r ? 1 : 0;
      }
    }
    if (options_.before_commit) options_.before_commit();
    if (auto r = Exec(writer_.get(), "COMMIT"); !r) {
      (void)Exec(writer_.get(), "ROLLBACK");
      known_starts_.Clear();
      return r;
    }
    return {};
  }

  // Inserts one event; false when its id was already stored.
  Result<bool> Insert(const Event& e) {
    sqlite3_stmt* s = insert_.get();
    sqlite3_reset(s);
    BindText(s, 1, e.event_id);
    sqlite3_bind_int64(s, 2, e.time_ms);
    sqlite3_bind_int(s, 3, static_cast<int>(e.type));
    BindText(s, 4, e.session_id);
    sqlite3_bind_int(s, 5, static_cast<int>(e.channel));
    BindText(s, 6, e.locale);
    BindText(s, 7, e.query_id);
    BindText(s, 8, e.article_id);
    sqlite3_bind_int(s, 9, e.position);
    if (e.helpful) {
      sqlite3_bind_int(s, 10, *e.helpful ? 1 : 0);
    } else {
      sqlite3_bind_null(s, 10);
    }
    BindText(s, 11, e.reason);
    BindText(s, 12, e.query);
    BindText(s, 13, e.filters);
    sqlite3_bind_int64(s, 14, e.result_count);
    BindText(s, 15, e.ticket_id);
    sqlite3_bind_int64(s, 16, e.dwell_ms);
    BindText(s, 17, e.action);
    const std::string ids = rows::JoinArticleIds(e.article_ids);
    BindText(s, 18, ids);
    BindText(s, 19, e.client);
    if (sqlite3_step(s) != SQLITE_DONE) return Fail(SqlError(writer_.get(), "insert"));
    if (sqlite3_changes(writer_.get()) == 0) return false;
    if (const auto language = rows::SessionStartLanguage(e)) {
      // A later event of a known session start changes nothing.
      if (!known_starts_.NeedsWrite(e, *language)) return true;
      sqlite3_stmt* st = start_.get();
      sqlite3_reset(st);
      BindText(st, 1, e.session_id);
      sqlite3_bind_int(st, 2, static_cast<int>(e.channel));
      BindText(st, 3, *language);
      sqlite3_bind_int64(st, 4, e.time_ms);
      if (sqlite3_step(st) != SQLITE_DONE) return Fail(SqlError(writer_.get(), "insert"));
    }
    return true;
  }

  std::string path_;
  Db writer_;
  const SipKey client_key_;
  const SqliteEventStoreOptions options_;
  Stmt insert_, start_;
  std::mutex write_mu_;  // the writer connection
  rows::KnownStarts known_starts_;
  GroupCommit commits_;  // last: its thread writes with everything above
};

}  // namespace

bool EventFilter::Admits(const Event& e) const {
  if (channel && e.channel != *channel) return false;
  if (!language.empty() && (e.locale.empty() || text::LanguageOf(e.locale) != language)) return false;
  return true;
}

Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const std::string& path, SqliteEventStoreOptions options) {
  if (const std::filesystem::path parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  auto db = Open(path, /*write=*/true);
  if (!db) return Fail(db.error());
  auto key = ReadClientKey(db->get(), path);
  if (!key) return Fail(key.error());
  auto store = std::make_unique<SqliteEventStore>(path, std::move(*db), *key, std::move(options));
  if (auto r = store->Prepare(); !r) return Fail(r.error());
  return std::unique_ptr<EventStore>(std::move(store));
}

Result<std::unique_ptr<EventStore>> OpenEventStore(const std::string& where) {
  if (IsPostgresUrl(where)) return OpenPostgresEventStore(where);
  return OpenSqliteEventStore(where);
}

namespace {

namespace fs = std::filesystem;

// fsyncs `path` (a file or a directory).
Result<void> Sync(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    return Fail(Error::FailedPrecondition(fmt::format("cannot write {}: {}", path, std::strerror(e))));
  }
  ::close(fd);
  return {};
}

Result<BackupStats> CopyInto(sqlite3* source, const std::string& from, const std::string& tmp) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(tmp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db copy(raw);
  if (rc != SQLITE_OK) {
    return Fail(Error::FailedPrecondition(
        fmt::format("cannot write {}: {}", tmp, raw != nullptr ? sqlite3_errmsg(raw) : "out of memory")));
  }
  sqlite3_busy_timeout(copy.get(), kBusyTimeoutMs);
  sqlite3_backup* backup = sqlite3_backup_init(copy.get(), "main", source, "main");
  if (backup == nullptr) {
    return Fail(Error::FailedPrecondition(fmt::format("cannot back up {}: {}", from, sqlite3_errmsg(copy.get()))));
  }
  // Every page in one step: one read transaction, so one consistent state.
  int step;
  while ((step = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) {
    return Fail(step == SQLITE_FULL ? DiskFull(copy.get())
                                    : Error::FailedPrecondition(fmt::format("cannot back up {} into {}: {}", from, tmp,
                                                                            sqlite3_errstr(step))));
  }
  BackupStats stats;
  {
    auto check = Prepare(copy.get(), "PRAGMA quick_check");
    if (!check) return Fail(check.error());
    std::string verdict;
    if (sqlite3_step(check->get()) == SQLITE_ROW) ColumnText(check->get(), 0, verdict);
    if (verdict != "ok") return Fail(Error::DataLoss(fmt::format("the copy of {} does not check: {}", from, verdict)));
    auto count = Prepare(copy.get(), "SELECT count(*) FROM events");
    if (!count) return Fail(Error::DataLoss(fmt::format("{} is not a kbsearch event store: {}", from, count.error().message())));
    if (sqlite3_step(count->get()) != SQLITE_ROW) return Fail(SqlError(copy.get(), "count"));
    stats.events = sqlite3_column_int64(count->get(), 0);
  }  // the statements are finalized before the checkpoint
  // The copy as one file: its WAL folded in.
  if (auto r = Exec(copy.get(), "PRAGMA wal_checkpoint(TRUNCATE)"); !r) return Fail(r.error());
  return stats;
}

}  // namespace

Result<BackupStats> BackupSqliteEventStore(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return Fail(Error::NotFound(fmt::format("no event store at {}", from)));
  if (fs::exists(to, ec) && fs::equivalent(from, to, ec)) {
    return Fail(Error::InvalidArgument(fmt::format("the backup {} is the event store itself", to)));
  }
  auto source = Open(from, /*write=*/false);
  if (!source) return Fail(source.error());
  const std::string tmp = to + ".tmp";
  auto clean = [&] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(tmp + suffix, ec);
  };
  clean();
  auto stats = CopyInto(source->get(), from, tmp);
  if (stats) {
    if (auto synced = Sync(tmp); !synced) stats = Fail(synced.error());
  }
  if (stats) {
    fs::rename(tmp, to, ec);
    if (ec) stats = Fail(Error::FailedPrecondition(fmt::format("cannot write {}: {}", to, ec.message())));
  }
  clean();
  if (!stats) return stats;
  const fs::path parent = fs::absolute(to, ec).parent_path();
  if (auto synced = Sync(parent.string()); !synced) return Fail(synced.error());
  stats->bytes = static_cast<std::int64_t>(fs::file_size(to, ec));
  return stats;
}

}  // namespace kb::analytics
