#include "server/analytics/backup.h"

#include <fmt/core.h>

#include "indexer/base/flags.h"
#include "server/analytics/event_store.h"

namespace kb::analytics {

namespace {

constexpr std::string_view kUsage = "usage: kb-server backup --events FILE --to FILE\n";

}  // namespace

int RunBackup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string events, to;
  FlagParser parser;
  parser.Value("events", &events).Value("to", &to);
  if (auto parsed = parser.Parse(args); !parsed) {
    err << "kb-server backup: " << parsed.error().message() << "\n" << kUsage;
    return 2;
  }
  if (events.empty() || to.empty()) {
    err << "kb-server backup: --events FILE and --to FILE are required\n" << kUsage;
    return 2;
  }
  if (IsPostgresUrl(events)) {
    err << "kb-server backup: a PostgreSQL event store is backed up with PostgreSQL's own tools (pg_dump, or "
           "continuous archiving): see docs/operations.md\n";
    return 2;
  }
  auto stats = BackupSqliteEventStore(events, to);
  if (!stats) {
    err << "kb-server backup: " << stats.error().message() << "\n";
    return 1;
  }
  out << fmt::format("backup {} events={} bytes={}\n", to, stats->events, stats->bytes);
  return 0;
}

}  // namespace kb::analytics
