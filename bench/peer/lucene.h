// Lucene++ (Debian's liblucene++, a C++ port of Lucene 3.0): title and body
// analysed by StandardAnalyzer, a query of the query's analysed words as
// SHOULD clauses of a BooleanQuery over both fields, Lucene's default
// similarity. Only this file and lucene.cc see Lucene++'s headers.
#ifndef KB_BENCH_PEER_LUCENE_H_
#define KB_BENCH_PEER_LUCENE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/peer/peer.h"
#include "indexer/article.h"
#include "indexer/base/error.h"

namespace kb::peer {

// Not safe for concurrent use.
class LuceneIndex {
 public:
  // Indexes `articles` into a new index in the directory `path`, then
  // optimises it (merges it into one segment) and opens it for searching.
  static Result<std::unique_ptr<LuceneIndex>> Build(const std::string& path, const std::vector<Article>& articles);
  ~LuceneIndex();
  LuceneIndex(const LuceneIndex&) = delete;
  LuceneIndex& operator=(const LuceneIndex&) = delete;

  // The top `limit` articles for the words of `query`.
  Result<std::vector<PeerHit>> Search(std::string_view query, int limit);

 private:
  struct Impl;
  explicit LuceneIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::peer

#endif  // KB_BENCH_PEER_LUCENE_H_
