// `kb-server backup`: a consistent copy of the SQLite event store, taken
// while kb-server serves (docs/operations.md).
#ifndef KB_SERVER_ANALYTICS_BACKUP_H_
#define KB_SERVER_ANALYTICS_BACKUP_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb::analytics {

// Runs `kb-server backup --events FILE --to FILE` (the arguments after
// "backup"); returns the exit status: 0, 1 when the copy fails, 2 for bad
// usage. On success prints one line: "backup TO events=N bytes=B".
int RunBackup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_BACKUP_H_
