// The search every speed benchmark times: the customer's query in English,
// the top 10, with or without snippets, facets off.
#ifndef KB_BENCH_SPEED_REQUEST_H_
#define KB_BENCH_SPEED_REQUEST_H_

#include <string>

#include "server/search/searcher.h"

namespace kb::bench {

inline search::SearchRequest BenchRequest(const std::string& query, bool snippets) {
  search::SearchRequest request;
  request.query = query;
  request.locale = "en";
  request.limit = 10;
  request.snippets = snippets;
  return request;
}

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_REQUEST_H_
