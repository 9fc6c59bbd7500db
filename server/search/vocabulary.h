// The words of the index as one audience may see them. A public request
// knows only public articles' words: whether a word is "known", how common
// it is, and what a typo is corrected to are all answered from public
// articles alone, so no correction, compound or word split can reveal a
// word that only agent-only articles hold. Agents see every word.
//
// Internal to server/search: compiles against Xapian. Not thread-safe (it
// reads the database it was given).
#ifndef KB_SERVER_SEARCH_VOCABULARY_H_
#define KB_SERVER_SEARCH_VOCABULARY_H_

#include <map>
#include <string>

#include <xapian.h>

#include "server/search/searcher.h"

namespace kb::search {

class Vocabulary {
 public:
  // `db` must outlive the vocabulary.
  Vocabulary(const Xapian::Database& db, Audience audience);

  // Documents the audience may see that hold `term` (a full index term,
  // prefix included).
  Xapian::doccount TermFreq(const std::string& term) const;

  // Whether any document the audience may see holds `term`.
  bool Knows(const std::string& term) const;

  // Whether any term at all starts with `prefix` (learned words are in few
  // indexes: one lookup spares one per query word). Remembered per prefix.
  bool HasPrefix(const std::string& prefix) const;

  // The spelling data's nearest word to `word` within `max_edits`, or "".
  std::string SpellingSuggestion(const std::string& word, unsigned max_edits) const;

 private:
  const Xapian::Database& db_;
  Audience audience_;
  std::string internal_term_;  // the boolean term of internal articles
  bool has_internal_ = false;  // whether any document has it
  mutable std::map<std::string, bool> prefixes_;  // HasPrefix's answers
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_VOCABULARY_H_
