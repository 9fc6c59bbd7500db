// How a Xapian exception reads as an Error, the same way for the writer
// and the reader: a full disk, a directory that cannot be written and a
// damaged database each get their own code, so that callers (kb-index, the
// reindex jobs, the searcher pool) can tell them apart and say so.
#ifndef KB_INDEXER_XAPIAN_ERROR_H_
#define KB_INDEXER_XAPIAN_ERROR_H_

#include <string_view>

#include "indexer/base/error.h"

namespace Xapian {
class Error;
}  // namespace Xapian

namespace kb {

// `e` as an Error whose message starts with `context` (what was being done,
// e.g. "cannot build index in DIR/gen-000002"):
//   no space left on the device, or over quota -> kResourceExhausted,
//       "CONTEXT: the disk is full (DESCRIPTION)";
//   a read-only file system, or no permission   -> kFailedPrecondition,
//       "CONTEXT: cannot write there (DESCRIPTION)";
//   a database whose files are damaged (a corrupt block, a table shorter
//   than its root says)                         -> kDataLoss,
//       "CONTEXT: the index is damaged (DESCRIPTION)";
//   anything else                               -> kInternal, "CONTEXT: DESCRIPTION".
// DESCRIPTION is Xapian's own, e.g. "DatabaseError: EOF reading block 2".
Error FromXapian(const Xapian::Error& e, std::string_view context);

}  // namespace kb

#endif  // KB_INDEXER_XAPIAN_ERROR_H_
