// A Searcher over a database that is already open. Apart from searcher.h
// so that only the code that has a Xapian database compiles against
// Xapian: the searcher itself, the tests and the benchmarks (which search
// in-memory databases).
#ifndef KB_SERVER_SEARCH_SEARCHER_XAPIAN_H_
#define KB_SERVER_SEARCH_SEARCHER_XAPIAN_H_

#include <memory>
#include <string>

#include <xapian.h>

#include "server/search/searcher.h"

namespace kb::search {

// Opens the database (or index directory) at `path`. kNotFound when there
// is none; kDataLoss, "cannot read index PATH: the index is damaged
// (DESCRIPTION)", when its files are damaged or cannot be read.
Result<Xapian::Database> OpenDatabase(const std::string& path);

// Searches `db`, as Searcher::Open does the databases it opens;
// `options.index_paths` is not read.
std::unique_ptr<Searcher> SearcherFromDatabase(Xapian::Database db, const SearcherOptions& options);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SEARCHER_XAPIAN_H_
