// The peer every benchmark compares against: SQLite FTS5 with the porter
// tokenizer, bm25() ranking, and a query made of the query's words OR-ed.
#ifndef KB_BENCH_PEER_FTS5_H_
#define KB_BENCH_PEER_FTS5_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "bench/peer/peer.h"
#include "indexer/article.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kb::peer {

using Fts5Hit = PeerHit;  // score: -bm25()

// Not safe for concurrent use.
class Fts5Index {
 public:
  // Opens (creating) the table in the SQLite file `path`; ":memory:" works.
  static Result<std::unique_ptr<Fts5Index>> Open(const std::string& path);
  ~Fts5Index();
  Fts5Index(const Fts5Index&) = delete;
  Fts5Index& operator=(const Fts5Index&) = delete;

  // Inserts the title and plain-text body of each article in one transaction.
  Result<void> Add(const std::vector<Article>& articles);

  // The top `limit` articles for the words of `query`, OR-ed.
  Result<std::vector<Fts5Hit>> Search(std::string_view query, int limit);

 private:
  explicit Fts5Index(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  sqlite3_stmt* search_ = nullptr;
};

// The FTS5 MATCH expression for customer text: each word quoted, OR-ed.
// Words are runs of letters and digits, as FTS5's unicode61 tokenizer sees
// them. Empty when the text has no word.
std::string Fts5OrQuery(std::string_view text);

}  // namespace kb::peer

#endif  // KB_BENCH_PEER_FTS5_H_
