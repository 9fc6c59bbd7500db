// PostgreSQL 15's full-text search, through libpq: a table of articles with
// a stored tsvector, to_tsvector('english', ...) of the title (weight A) and
// the body, a GIN index on it, and the query's words OR-ed in a tsquery,
// ranked by ts_rank_cd, top N.
#ifndef KB_BENCH_PEER_POSTGRES_FTS_H_
#define KB_BENCH_PEER_POSTGRES_FTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/peer/peer.h"
#include "indexer/article.h"
#include "indexer/base/error.h"

struct pg_conn;

namespace kb::peer {

// Not safe for concurrent use.
class PostgresFts {
 public:
  // Connects to `url` and (re)creates the table `articles` there, loads
  // `articles` with COPY and builds the GIN index.
  static Result<std::unique_ptr<PostgresFts>> Build(const std::string& url, const std::vector<Article>& articles);
  ~PostgresFts();
  PostgresFts(const PostgresFts&) = delete;
  PostgresFts& operator=(const PostgresFts&) = delete;

  // The top `limit` articles for the words of `query`, OR-ed.
  Result<std::vector<PeerHit>> Search(std::string_view query, int limit);

  // The table's size on disk, its index and TOAST included.
  Result<std::uintmax_t> Bytes();

 private:
  explicit PostgresFts(pg_conn* conn) : conn_(conn) {}
  Result<void> Exec(const std::string& sql);
  pg_conn* conn_;
};

// The tsquery text of customer text: its words OR-ed ("reset | password").
// Empty when the text has no word.
std::string TsOrQuery(std::string_view text);

}  // namespace kb::peer

#endif  // KB_BENCH_PEER_POSTGRES_FTS_H_
