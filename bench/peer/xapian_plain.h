// Plain Xapian, as its documentation sets it up: TermGenerator with the
// English stemmer over title and body, QueryParser with OR as the default
// operator, BM25 with its default parameters. The peer kbsearch's ranking
// and query analysis are measured against.
#ifndef KB_BENCH_PEER_XAPIAN_PLAIN_H_
#define KB_BENCH_PEER_XAPIAN_PLAIN_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/peer/peer.h"
#include "indexer/article.h"
#include "indexer/base/error.h"

namespace kb::peer {

// Not safe for concurrent use.
class XapianPlain {
 public:
  // Indexes the title and plain-text body of `articles` into a new glass
  // database at `path`, in one commit.
  static Result<std::unique_ptr<XapianPlain>> Build(const std::string& path, const std::vector<Article>& articles);
  // Opens what Build wrote at `path`.
  static Result<std::unique_ptr<XapianPlain>> Open(const std::string& path);
  ~XapianPlain();
  XapianPlain(const XapianPlain&) = delete;
  XapianPlain& operator=(const XapianPlain&) = delete;

  // The top `limit` articles for `query`, parsed by QueryParser (with its
  // default flags, or as plain words when that fails).
  Result<std::vector<PeerHit>> Search(std::string_view query, int limit);

 private:
  struct Impl;
  explicit XapianPlain(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::peer

#endif  // KB_BENCH_PEER_XAPIAN_PLAIN_H_
