// Searcher: SearchRequest in, SearchResponse out. The only code in kbsearch
// that reads the Xapian index.
//
// A query is customer text, never a query language: quotes, colons, '#',
// brackets and words like AND/OR/NOT are read as words, so any text a
// customer can type gets results, not a syntax error.
//
// Thread-safety: a Searcher is NOT safe for concurrent use (Xapian::Database
// objects are not). Give each worker thread its own Searcher.
#ifndef KB_SERVER_SEARCH_SEARCHER_H_
#define KB_SERVER_SEARCH_SEARCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "indexer/base/error.h"

namespace kb::search {

enum class Audience {
  kPublic,  // customers: public articles only
  kAgent,   // support agents: public and internal articles
};

struct SearchFilters {
  std::string product;            // exact product, or empty for any
  std::string category;           // exact category, or empty for any
  std::string type;               // "faq" / "troubleshooting", or empty for any
  std::vector<std::string> tags;  // every tag must be present
};

struct SearchRequest {
  std::string query;
  // BCP 47 tag; results are restricted to its language ("de-AT" finds "de"
  // articles). Empty: every language, analysed as the default locale.
  std::string locale;
  SearchFilters filters;
  Audience audience = Audience::kPublic;
  int offset = 0;
  int limit = 10;
  // Build snippets for the hits. Default: true.
  bool snippets = true;
};

struct SearchHit {
  std::string id;
  std::string title;
  double score = 0;
  std::string snippet;  // HTML-escaped, matches in <mark>
  std::string locale;
  std::string category;
  std::string type;
  std::string updated;
  std::string audience;
};

struct SearchResponse {
  std::int64_t total_estimate = 0;
  std::vector<SearchHit> hits;
  std::int64_t took_us = 0;
};

struct SearcherOptions {
  // Index directories (or Xapian database paths) searched together.
  std::vector<std::string> index_paths;
  // Locale whose analysis applies when a request names none. Default: "en".
  std::string default_locale = "en";
};

class Searcher {
 public:
  // Opens every index in `options.index_paths`. kNotFound when one is
  // missing, kDataLoss when one cannot be read.
  static Result<std::unique_ptr<Searcher>> Open(const SearcherOptions& options);

  // Searches an already open database (tests and benchmarks use in-memory
  // ones).
  static std::unique_ptr<Searcher> FromDatabase(Xapian::Database db, const SearcherOptions& options);

  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;
  ~Searcher();

  // kInvalidArgument for an empty or whitespace-only query, a negative
  // offset, or a limit outside 1..1000.
  Result<SearchResponse> Search(const SearchRequest& request);

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SEARCHER_H_
