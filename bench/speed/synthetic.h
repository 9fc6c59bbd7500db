// A deterministic synthetic help center for speed benchmarks: a Zipfian
// vocabulary (the hundred most frequent English words first, then made-up
// words), titles and bodies of realistic lengths, and queries made of two or
// three content words of a title.
#ifndef KB_BENCH_SPEED_SYNTHETIC_H_
#define KB_BENCH_SPEED_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "indexer/article.h"

namespace kb::bench {

struct SyntheticOptions {
  int articles = 100000;
  int vocabulary = 40000;
  double zipf_exponent = 1.0;
  std::uint64_t seed = 42;
};

// The same options always give the same articles.
std::vector<Article> MakeSyntheticCorpus(const SyntheticOptions& options);

// The same articles as short FAQ entries: the title and the first
// `body_words` words of the body, without customer questions.
std::vector<Article> ShortArticles(std::vector<Article> corpus, int body_words);

// `count` queries of two or three distinct content words taken from the
// titles of randomly chosen articles.
std::vector<std::string> MakeSyntheticQueries(const std::vector<Article>& corpus, int count, std::uint64_t seed);

// `count` of `items` drawn by Zipf's law with exponent `s`: the item of rank
// r (the first is rank 1) in proportion to 1/r^s. The same seed gives the
// same draws.
std::vector<std::string> ZipfDraws(const std::vector<std::string>& items, double s, std::size_t count,
                                   std::uint64_t seed);

}  // namespace kb::bench

#endif  // KB_BENCH_SPEED_SYNTHETIC_H_
