// Documents of a result page read from the databases of a sharded index at
// once.
//
// Internal to server/search: compiles against Xapian.
#ifndef KB_SERVER_SEARCH_DOCUMENTS_H_
#define KB_SERVER_SEARCH_DOCUMENTS_H_

#include <vector>

#include <xapian.h>

namespace kb::search {

// A database searched together with others, and whether it is a remote
// shard.
struct Part {
  Xapian::Database db;
  bool remote = false;
};

// The documents `docids` of `parts` searched together, in that order (the
// docid d is document (d - 1) / N + 1 of part (d - 1) % N), in the order
// asked. Xapian 1.4 reads each document of a remote database in a round
// trip of its own: the remote parts are read in parallel, one thread each,
// so a page costs the round trips of its busiest shard, not of all its
// documents. Xapian's errors are thrown as they are (the first part's
// first).
std::vector<Xapian::Document> FetchDocuments(const std::vector<Part>& parts, const std::vector<Xapian::docid>& docids);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_DOCUMENTS_H_
