// Where analytics events are kept: the embedded SQLite file, or PostgreSQL
// for several server replicas. The interface is what the summary and the
// learner need and nothing more.
#ifndef KB_SERVER_ANALYTICS_EVENT_STORE_H_
#define KB_SERVER_ANALYTICS_EVENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "server/analytics/event.h"

namespace kb::analytics {

// Which events count: [from_ms, to_ms), optionally one channel and one
// language ("de" matches "de" and "de-AT").
struct EventFilter {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::optional<Channel> channel;
  std::string language;

  // Whether `e` passes the channel and language parts of the filter.
  bool Admits(const Event& e) const;
};

// The start of a help session: its first self-service event (a search or a
// view on a customer channel, passing the filter).
struct SessionStart {
  std::string session_id;
  std::int64_t first_ms = 0;
};

// Implementations are safe for concurrent use: the summary reads help
// sessions and events at the same time.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Stores `events` durably: when this returns, they are on disk. Events
  // whose event_id is already stored are ignored (a client's retry). All or
  // nothing. Returns how many were new.
  virtual Result<std::size_t> Append(std::vector<Event> events) = 0;

  // Queues events the server makes itself (search logging) without waiting
  // for them to reach the disk.
  virtual void AppendLater(std::vector<Event> events) = 0;

  // Waits until everything queued so far is stored.
  virtual Result<void> Flush() = 0;

  // Calls `f` for every stored event with time in [from_ms, to_ms), in
  // time order. With kCounting, the fields no metric reads (event_id,
  // reason, filters, ticket_id) are left empty.
  enum class Fields { kAll, kCounting };
  virtual Result<void> Scan(std::int64_t from_ms, std::int64_t to_ms, const std::function<void(const Event&)>& f,
                            Fields fields = Fields::kAll) = 0;

  // The help sessions that start in [filter.from_ms, filter.to_ms): those
  // whose first self-service event passing `filter` falls in that range
  // (however long before it their other events lie).
  virtual Result<std::vector<SessionStart>> HelpSessions(const EventFilter& filter) = 0;

  // Deletes events older than `before_ms`; returns how many.
  virtual Result<std::int64_t> Purge(std::int64_t before_ms) = 0;

  // How many events are stored.
  virtual Result<std::int64_t> Count() = 0;

  // The key of ClientHash for the events of this store: the same for as
  // long as the store exists.
  virtual const SipKey& ClientKey() const = 0;

  // Learned phrasings an admin rejected for good (docs/learning.md): the
  // learner never learns `text` for `article_id` again. Rejecting twice is
  // one rejection. The purge of old events keeps them.
  virtual Result<void> Reject(const std::string& article_id, const std::string& text, std::int64_t time_ms) = 0;
  // Every rejection, as (article id, text), in that order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> Rejections() = 0;
};

struct SqliteEventStoreOptions {
  // Called on the writer thread inside each transaction, before it commits:
  // a fault-injection point. What it throws fails that transaction as a
  // failed write does: it is rolled back and every append in it gets the
  // error. Default: none.
  std::function<void()> before_commit;
};

// Opens (creating if needed) the SQLite event store at `path`: WAL mode,
// every acknowledged write fsynced. Concurrent appends are committed
// together (group commit), so durability does not cost a disk flush per
// request. It must be writable now: kUnavailable when another process holds
// a lock on it for two seconds, kDataLoss when it is corrupt or not an event
// store. Appends that find the disk full fail with kResourceExhausted, and
// nothing of them is stored. Whatever else the writer thread meets, thrown
// or returned, fails the appends it was writing, and the store goes on.
Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const std::string& path,
                                                         SqliteEventStoreOptions options = {});

// Opens the PostgreSQL event store at `url` (postgresql://user:password@
// host:port/database?..., libpq's URL; postgres:// too), which several
// servers may share. The schema is created, or migrated from an older
// kbsearch's, at once. Unless the URL says otherwise, connecting waits at
// most 3 s, a statement 30 s, and a host that stops answering is given up
// after 10 s. kInvalidArgument for a URL libpq cannot read, kUnavailable
// when PostgreSQL cannot be reached now, kDataLoss when the database has
// tables of that name that kbsearch did not make, kFailedPrecondition when
// its schema is a newer kbsearch's or the user lacks rights. Once open, it
// reconnects by itself: while PostgreSQL is away, appends fail with
// kUnavailable (nothing of them stored), and queued events (AppendLater)
// wait, up to 100,000, to be written when it is back.
Result<std::unique_ptr<EventStore>> OpenPostgresEventStore(const std::string& url);

// Whether `where` names a PostgreSQL store (postgresql:// or postgres://)
// rather than a SQLite file.
bool IsPostgresUrl(std::string_view where);

// OpenPostgresEventStore for a PostgreSQL URL, else OpenSqliteEventStore.
Result<std::unique_ptr<EventStore>> OpenEventStore(const std::string& where);

struct BackupStats {
  std::int64_t events = 0;  // in the copy
  std::int64_t bytes = 0;   // of the copy
};

// Writes a consistent copy of the SQLite event store at `from` to `to`
// while servers go on writing to it: SQLite's online backup, in one read
// transaction (WAL: it holds no writer up), into `to`.tmp, checked
// (PRAGMA quick_check), fsynced and renamed over `to`. The copy is an event
// store to open as it is; restoring is putting it in place while no server
// runs. kNotFound when `from` does not exist, kInvalidArgument when `to` is
// `from`, kFailedPrecondition when `to` cannot be written (nothing is left
// at `to`.tmp).
Result<BackupStats> BackupSqliteEventStore(const std::string& from, const std::string& to);

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_EVENT_STORE_H_
