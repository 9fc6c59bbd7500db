// The query builder: customer text in, a Xapian query out, with one
// function per ranking feature. BuildQuery runs them in this order, each
// doing nothing when its RankingOptions switch (searcher.h) is off:
//
//   SplitIntoWords      the analyzer's words, each with its stem
//   ExpandSynonyms      a synonym entry is searched as its whole group    synonyms
//   MarkFunctionWords   "how", "do", "my" weigh kStopwordWeight           stopwords
//   CorrectTypos        a word the index lacks -> the nearest it has      typos
//   FindCompounds       "back up" also as "backup", "resetpassword" as    compounds
//                       "reset" and "password"
//   CollectTerms        what is searched for, each once
//   AssembleQuery       one scoring part for each group, word, compound
//                       and function word, OR-ed; calls
//     BoostTitleFields  a content word scores again in the title          field_boost
//     AddProximity      a bonus for neighbouring words found together     proximity
//     LearnedWords      a content word's occurrences in learned phrasings   learned
//                       count as occurrences of it in the article
//
// Each stage takes the words as the stages before it left them. Also here:
// the weighting and the filters that every search and suggestion shares.
//
// Internal to server/search, the only code that reads the index: this
// header compiles against Xapian. Functions are thread-compatible (the
// analyzer and the database are not safe for concurrent use).
#ifndef KB_SERVER_SEARCH_QUERY_BUILDER_H_
#define KB_SERVER_SEARCH_QUERY_BUILDER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "server/search/searcher.h"
#include "server/search/synonym_table.h"
#include "server/search/vocabulary.h"

namespace kb::search {

// What a query is built against.
struct QueryContext {
  const text::Analyzer& analyzer;  // the query's language
  RankingOptions ranking;
  const SynonymTable* synonyms = nullptr;  // the language's synonym groups; nullptr: none
  // The language's real words, which typo correction and word splitting
  // leave alone; nullptr: none.
  const text::WordList* words = nullptr;
  // The index's words as the request's audience may see them: they decide
  // corrections, compounds and splits.
  const Vocabulary& vocabulary;
  // Who asks: agents' searches also match agents' learned phrasings.
  Audience audience = Audience::kPublic;
};

// A built query.
struct AnalyzedQuery {
  Xapian::Query query;             // empty when the text has no words
  std::vector<std::string> marks;  // stems to mark in snippets, synonyms included
  std::string did_you_mean;        // the query with misspelled words corrected, if any were
  // Each scoring part of the query on its own, for explanations.
  struct Part {
    std::string label;
    Xapian::Query query;
    std::vector<std::string> stems;  // words whose fields are reported
    const char* only_field = nullptr;  // the one field the part scores, if any
  };
  std::vector<Part> explained;
};

// The query for customer text `text` (never query syntax): every stage
// below, in order.
AnalyzedQuery BuildQuery(std::string_view text, const QueryContext& context);

// One word of the query, as the stages see it and mark it.
struct QueryWord {
  std::string term;        // normalised, not stemmed (text::Token::term)
  std::size_t begin = 0;   // byte offset of the word in the query text
  std::size_t end = 0;     // byte offset one past it
  std::string typed_stem;  // the stem of `term`
  std::string stem;        // what is searched for: `typed_stem`, or the correction's stem
  // The synonym groups (SynonymTable::groups) whose entries start at this
  // word, each group once per query.
  std::vector<std::size_t> synonym_groups;
  // Part of a synonym entry: its group is searched instead of the word.
  bool in_synonym = false;
  bool function_word = false;      // weighs kStopwordWeight
  std::string correction;          // the word it misspells, or ""
  std::string joined;              // the stem of it and the next word typed as one, when the index has it
  std::vector<std::string> split;  // the two stems it was typed for without a space, if any
};

// The words of `text`, stemmed, nothing marked yet.
std::vector<QueryWord> SplitIntoWords(std::string_view text, const text::Analyzer& analyzer);

// Synonyms: marks the words of each synonym entry in `words` and, on the
// entry's first word, its group. Entries are found left to right, the
// longest at each word; function words count ("log in").
std::vector<QueryWord> ExpandSynonyms(std::vector<QueryWord> words, const QueryContext& context);

// Function words: marks the words outside synonym entries that the
// language's stopword list has, unless every word of the query is one.
std::vector<QueryWord> MarkFunctionWords(std::vector<QueryWord> words, const QueryContext& context);

// Typos: replaces the stem of each content word outside synonym entries
// that the index has never seen by its Correction's, and records it.
std::vector<QueryWord> CorrectTypos(std::vector<QueryWord> words, const QueryContext& context);

// Compounds: records, for each content word outside synonym entries, the
// word it and the next make together and the two words it splits into,
// when the index has them. Only for languages with stemmers.
std::vector<QueryWord> FindCompounds(std::vector<QueryWord> words, const QueryContext& context);

// What a query searches for, each once, in the order typed.
struct QueryTerms {
  std::vector<std::size_t> synonym_groups;
  std::vector<std::string> stems;  // content words (stemmed) outside synonym entries
  // Words typed apart that the index has as one, and the reverse: what was
  // typed, and the stems it stands for.
  struct Compound {
    std::string typed;
    std::vector<std::string> stems;
  };
  std::vector<Compound> compounds;
  std::vector<std::string> weak;  // function words, kept at a low weight
};

// The terms of the marked `words`. A stem already searched for, as a word
// or as two words joined, is not searched again.
QueryTerms CollectTerms(const std::vector<QueryWord>& words);

// `text` with each corrected word replaced by its correction; "" when no
// word was corrected.
std::string DidYouMean(std::string_view text, const std::vector<QueryWord>& words);

// The query for `terms`, its parts OR-ed, and its parts for explanations.
AnalyzedQuery AssembleQuery(const QueryTerms& terms, const QueryContext& context);

// Learned phrasings: the content word `stem` among the words of the
// phrasings learned from customers (schema::kLearned), and for agents also
// from agents (kLearnedAgent). AssembleQuery searches it as one term with
// the word itself (OP_SYNONYM): occurrences in learned phrasings add to the
// word's occurrences in the article, under the same saturation and with
// the word's own rarity, as a question's would. Empty when off, and when no
// article the audience may see has learned the word.
Xapian::Query LearnedWords(const std::string& stem, const QueryContext& context);

// Field boost: `word`, the query for the content word `stem`, OR-ed with
// `stem` in the title at kFieldBoostWeight.
Xapian::Query BoostTitleFields(Xapian::Query word, const std::string& stem, const RankingOptions& ranking);

// Proximity: `query` with a bonus for each pair of neighbouring content
// words (`stems`, in order) found next to each other or within
// kProximityWindow words. Needs two words.
Xapian::Query AddProximity(Xapian::Query query, const std::vector<std::string>& stems, const RankingOptions& ranking);

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
std::string Correction(const Vocabulary& vocabulary, const std::string& term, const std::string& stem,
                       const text::WordList* words, bool keep_real_words);

// Restricts `query` to what a request may see. Filter terms that every
// document has are left out: ANDing with a posting list as long as the
// database costs as much as the search itself. Audience is expressed as
// "not internal", the short list, rather than "public", the long one.
Xapian::Query Restrict(const Vocabulary& vocabulary, Xapian::Query query, const std::string& locale,
                       Audience audience, const SearchFilters& f);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_QUERY_BUILDER_H_
