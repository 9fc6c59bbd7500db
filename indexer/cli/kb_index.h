// The kb-index command line: build an index from a corpus, search it.
#ifndef KB_INDEXER_CLI_KB_INDEX_H_
#define KB_INDEXER_CLI_KB_INDEX_H_

#include <ostream>
#include <string>
#include <vector>

namespace kb {

// Runs `kb-index ARGS...` (args without the program name), writing results
// to `out` and diagnostics to `err`. Returns the process exit code: 0 on
// success, 1 when the input or the index had problems, 2 on bad usage.
int RunKbIndex(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb

#endif  // KB_INDEXER_CLI_KB_INDEX_H_
