// What the peer search engines of the benchmarks share: a result, and the
// words of customer text as they are given to a peer's query.
#ifndef KB_BENCH_PEER_PEER_H_
#define KB_BENCH_PEER_PEER_H_

#include <string>
#include <string_view>
#include <vector>

namespace kb::peer {

struct PeerHit {
  std::string id;
  std::string title;
  double score = 0;  // the peer's own; higher is better
};

// The runs of ASCII letters and digits, and of bytes of UTF-8 sequences, of
// `text`: its words as SQLite's unicode61 tokenizer and PostgreSQL's
// parser split them, without any operator a query syntax could read.
std::vector<std::string_view> QueryWords(std::string_view text);

}  // namespace kb::peer

#endif  // KB_BENCH_PEER_PEER_H_
