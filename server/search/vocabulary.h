// The words of the index as one audience may see them. A public request
// knows only public articles' words: whether a word is "known", how common
// it is, and what a typo is corrected to are all answered from public
// articles alone, so no correction, compound or word split can reveal a
// word that only agent-only articles hold. Agents see every word.
//
// A sharded index's lexicon holds the statistics of every term
// (schema::kMetaTermStats): with it, these are answered from the lexicon,
// which is local, and not by asking every shard, which may be remote.
//
// Internal to server/search: compiles against Xapian. Not thread-safe (it
// reads the database it was given).
#ifndef KB_SERVER_SEARCH_VOCABULARY_H_
#define KB_SERVER_SEARCH_VOCABULARY_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "indexer/schema.h"
#include "server/search/searcher.h"

namespace kb::search {

class Vocabulary {
 public:
  // `db`, and `lexicon` when given, must outlive the vocabulary. `lexicon`
  // is the first database of `db`, when it holds term statistics
  // (TermStatsOf).
  Vocabulary(const Xapian::Database& db, Audience audience, const Xapian::Database* lexicon = nullptr);

  // Documents the audience may see that hold `term` (a full index term,
  // prefix included).
  Xapian::doccount TermFreq(const std::string& term) const;

  // Documents of any audience that hold `term`, and how many there are.
  Xapian::doccount AllTermFreq(const std::string& term) const;
  Xapian::doccount DocCount() const { return db_.get_doccount(); }

  // The terms starting with `prefix` and how many documents of any
  // audience hold each, in term order.
  std::vector<std::pair<std::string, Xapian::doccount>> TermsWithPrefix(const std::string& prefix) const;

  // Whether any document the audience may see holds `term`.
  bool Knows(const std::string& term) const;

  // Whether any term at all starts with `prefix` (learned words are in few
  // indexes: one lookup spares one per query word). Remembered per prefix.
  bool HasPrefix(const std::string& prefix) const;

  // The spelling data's nearest word to `word` within `max_edits`, or "".
  std::string SpellingSuggestion(const std::string& word, unsigned max_edits) const;

 private:
  // The lexicon's statistics of `term`, or nullopt when they are to be
  // read from `db_`.
  std::optional<schema::TermStats> Stats(const std::string& term) const;

  const Xapian::Database& db_;
  const Xapian::Database* lexicon_;
  Audience audience_;
  std::string internal_term_;  // the boolean term of internal articles
  bool has_internal_ = false;  // whether any document has it
  mutable std::map<std::string, bool> prefixes_;  // HasPrefix's answers
};

// `db`'s first database when it is a lexicon with term statistics, for
// Vocabulary; otherwise null.
const Xapian::Database* TermStatsOf(const Xapian::Database& first, std::size_t databases);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_VOCABULARY_H_
