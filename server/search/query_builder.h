// Query building: customer text in, a Xapian query out, with the weighting
// and the filters that every search and suggestion shares. Internal to
// server/search, whose code is the only reader of the index.
#ifndef KB_SERVER_SEARCH_QUERY_BUILDER_H_
#define KB_SERVER_SEARCH_QUERY_BUILDER_H_

#include <string>
#include <vector>

#include <xapian.h>

#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "server/search/searcher.h"
#include "server/search/synonym_table.h"

namespace kb::search {

struct AnalyzedQuery {
  std::vector<std::string> stems;  // distinct query words (stemmed) outside synonym groups, in order
  std::vector<std::string> marks;  // stems to mark in snippets, synonyms included
  std::vector<std::string> weak;   // stopwords kept at a low weight
  std::string did_you_mean;        // the query with misspelled words corrected, if any were
  // Words typed apart that the index has as one, and the reverse: what was
  // typed, and the stems it stands for.
  struct Compound {
    std::string typed;
    std::vector<std::string> stems;
  };
  std::vector<Compound> compounds;
  // Each scoring part of the query on its own, for explanations.
  struct Part {
    std::string label;
    Xapian::Query query;
    std::vector<std::string> stems;  // words whose fields are reported
    const char* only_field = nullptr;  // the one field the part scores, if any
  };
  std::vector<Part> explained;
  Xapian::Query query;
};

// The weighting every search and suggestion is scored with: BM25F over
// the index's combined field.
Xapian::BM25Weight Bm25();

// The word the index knows that `term` is probably a misspelling of, or ""
// when `term` is known (or too short or odd to correct).
// Typos allowed grow with the word, as in Algolia's defaults: one from four
// letters, two from eight. "percent" is not two typos away from "parent".
// A real word of the language (on `words`, the locale's word list) is left
// alone when `keep_real_words`: a corpus that lacks "constrain" has not
// made it a misspelling of "contain".
std::string Correction(const Xapian::Database& db, const std::string& term, const std::string& stem,
                       const text::WordList* words, bool keep_real_words);

// The query for customer text `text`, analysed for its language by
// `analyzer`, with the ranking features `ranking` turns on.
AnalyzedQuery Analyze(const std::string& text, const text::Analyzer& analyzer, const RankingOptions& ranking,
                      const SynonymTable* synonyms, const text::WordList* words, const Xapian::Database& db);

// Restricts `query` to what a request may see. Filter terms that every
// document has are left out: ANDing with a posting list as long as the
// database costs as much as the search itself. Audience is expressed as
// "not internal", the short list, rather than "public", the long one.
Xapian::Query Restrict(const Xapian::Database& db, Xapian::Query query, const std::string& locale,
                       Audience audience, const SearchFilters& f);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_QUERY_BUILDER_H_
