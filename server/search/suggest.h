// Type-ahead: the titles that complete what a customer has typed so far.
// Internal to server/search; Searcher::Suggest is the public entry.
#ifndef KB_SERVER_SEARCH_SUGGEST_H_
#define KB_SERVER_SEARCH_SUGGEST_H_

#include <vector>

#include <xapian.h>

#include "indexer/base/error.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "server/search/searcher.h"

namespace kb::search {

// Titles that complete `request.query` (see Searcher::Suggest), the words
// analysed by `analyzer`; a finished word that no title has is read as its
// correction unless `words` (the language's word list, or nullptr) has
// it. `db` is reopened once if a writer commits under the lookup.
// `term_stats`: db's lexicon with term statistics, or null (Vocabulary).
// kInvalidArgument for a limit outside 1..50.
Result<std::vector<Suggestion>> SuggestTitles(const SuggestRequest& request, const text::Analyzer& analyzer,
                                              const text::WordList* words, Xapian::Database& db,
                                              const Xapian::Database* term_stats = nullptr);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SUGGEST_H_
