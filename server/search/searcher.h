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

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/article.h"
#include "server/search/shards.h"

namespace Xapian {
class Database;  // see searcher_xapian.h
}  // namespace Xapian

namespace kb::search {

enum class Audience {
  kPublic,  // customers: public articles only
  kAgent,   // support agents: public and internal articles
};

struct SearchFilters {
  std::string product;            // exact product, or empty for any
  std::string category;           // exact category, or empty for any
  std::optional<ArticleType> type;  // or any
  std::vector<std::string> tags;  // every tag must be present
};

struct SearchRequest {
  std::string query;
  // BCP 47 tag; results are restricted to its language ("de-AT" finds "de"
  // articles), or, when nothing in it matches, to the default locale's.
  // Empty: every language, analysed as the default locale.
  std::string locale;
  SearchFilters filters;
  Audience audience = Audience::kPublic;
  int offset = 0;
  int limit = 10;
  // Build snippets for the hits. Default: true.
  bool snippets = true;
  // Count category, type, product and tags facets over the matches.
  // Default: false.
  bool facets = false;
  // Explain each hit's score. Default: false (it costs a query per part).
  bool explain = false;
};

// What one part of a query (a word, a synonym group, a title boost)
// contributed to a hit.
struct TermExplanation {
  std::string term;                 // the analysed word(s)
  std::vector<std::string> fields;  // "title", "questions", "tags", "body", "learned": where its words occur
  double weight = 0;                // its share of the score
};

struct SearchHit {
  std::string id;
  std::string title;
  double score = 0;
  std::string snippet;  // HTML-escaped, matches in <mark>
  std::string locale;
  std::string category;
  ArticleType type = ArticleType::kFaq;
  std::string updated;
  ArticleAudience audience = ArticleAudience::kPublic;
  std::vector<TermExplanation> explanation;  // when the request asks for it
};

// Facet name ("category", "type", "product", "tags") -> value -> number of
// matching articles.
using FacetCounts = std::map<std::string, std::map<std::string, std::int64_t>>;

// Matches counted for facets. Help centers rarely have more matches than
// this, so counts are exact in practice; beyond it they cover the best
// kFacetCheckLimit matches.
inline constexpr int kFacetCheckLimit = 10000;

struct SearchResponse {
  std::int64_t total_estimate = 0;
  std::vector<SearchHit> hits;
  FacetCounts facets;  // filled when the request asks for facets
  // The query with misspelled words corrected, when the results are for
  // that corrected query; empty otherwise.
  std::string did_you_mean;
  // True when shards of the index did not answer and the results are from
  // the others (SearcherOptions::partial_results).
  bool partial = false;
};

struct SuggestRequest {
  std::string query;  // what the customer typed so far; its last word may be partial
  std::string locale;
  Audience audience = Audience::kPublic;
  int limit = 10;
};

struct Suggestion {
  std::string text;  // an article title
  std::string id;
  std::string locale;
};

struct ArticleRequest {
  std::string id;
  // Tried as given, then its language, then the default locale.
  std::string locale;
  Audience audience = Audience::kPublic;
};

// Ranking features. All are on in the product; kb-relevance switches each off
// in turn to measure what it contributes.
struct RankingOptions {
  // Weigh function words ("how", "do", "the") in queries at
  // kStopwordWeight instead of as content words.
  bool stopwords = true;
  // Extra credit for query words in the title.
  bool field_boost = true;
  // Extra credit for neighbouring query words found next to each other or
  // close together (sequential dependence model). Off: measured, it has
  // not helped (see docs/relevance.md).
  bool proximity = false;
  // Expand words and phrases of the index's synonym groups ("log in" also
  // finds "sign in").
  bool synonyms = true;
  // Replace words the index does not know by the nearest word it does
  // (Xapian's spelling data, up to two edits): "pasword" -> "password".
  bool typos = true;
  // Words typed apart that the index has as one ("back up" also finds
  // "backup", "e mail" finds "email"), and one word the index has only as
  // two ("resetpassword" finds "reset" and "password").
  bool compounds = true;
  // Match the words of the phrasings learned from usage (docs/learning.md);
  // agents' searches also the agents' phrasings.
  bool learned = true;
};

// Weight of a query's function word relative to a content word.
inline constexpr double kStopwordWeight = 0.2;
// Weight of a title match relative to the combined-text match of the same
// word.
inline constexpr double kFieldBoostWeight = 1.0;
// Weights of an adjacent pair and of a pair within kProximityWindow words,
// relative to the words' own weight: the sequential dependence model's
// 0.10 and 0.05 against 0.85 for single words (Metzler and Croft, 2005).
inline constexpr double kPhraseWeight = 0.10 / 0.85;
inline constexpr double kProximityWeight = 0.05 / 0.85;
inline constexpr unsigned kProximityWindow = 8;

struct SearcherOptions {
  // Index directories (or Xapian database paths) searched together, and
  // remote shards, "tcp://host:port", that xapian-tcpsrv serves (the first
  // path is then the shards' lexicon: docs/scaling.md).
  std::vector<std::string> index_paths;
  // How long a remote shard may take to connect, and then to answer each
  // call, before it counts as down. Default: 2 s.
  std::chrono::milliseconds shard_timeout{2000};
  // When a remote shard is down: false, searches, suggestions and lookups
  // fail with kUnavailable; true, they answer from the shards that are up
  // (SearchResponse::partial). Down shards are retried every kShardRetry.
  bool partial_results = false;
  // What this process's Searchers know of their remote shards; shared by
  // those of one SearcherPool. Null: a Searcher of its own.
  std::shared_ptr<ShardHealth> shard_health;
  // Locale whose analysis applies when a request names none. Default: "en".
  std::string default_locale = "en";
  // Where the languages' word lists are (Debian's wamerican, wngerman...;
  // see text::WordListPath). Typo correction leaves their words alone. ""
  // or a missing list: every word the index lacks may be corrected.
  std::string dictionary_dir = "/usr/share/dict";
  RankingOptions ranking;
};

class Searcher {
 public:
  // Opens every index in `options.index_paths`. kNotFound when one is
  // missing, kDataLoss when one cannot be read (see OpenDatabase),
  // kInvalidArgument for a malformed tcp:// address. A remote shard that
  // does not answer is not an error here: see options.partial_results.
  static Result<std::unique_ptr<Searcher>> Open(const SearcherOptions& options);

  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;
  ~Searcher();

  // kInvalidArgument for an empty or whitespace-only query, a negative
  // offset, or a limit outside 1..1000.
  Result<SearchResponse> Search(const SearchRequest& request);

  // Titles that complete the query: each must contain the earlier words and
  // a word starting with the last one. An empty or blank query suggests
  // nothing.
  Result<std::vector<Suggestion>> Suggest(const SuggestRequest& request);

  // The whole article. kNotFound when it does not exist in any of the
  // locales tried, or is internal and the request is public (so that its
  // existence does not leak).
  Result<Article> GetArticle(const ArticleRequest& request);

  // Number of articles in the index that `audience` may see: all of them
  // for agents.
  std::int64_t DocumentCount(Audience audience = Audience::kAgent) const;

  // What the indexer stamped on the database at its last commit: the
  // generation it wrote and when (schema::kMetaGeneration; "" and 0 for an
  // index older than the stamp).
  struct BuildStamp {
    std::string generation;
    std::int64_t built_ms = 0;
  };
  BuildStamp Stamp() const;

  // Why the last read that found the index damaged failed (an error whose
  // code is kDataLoss: a corrupt block, a table cut short), or "" when none
  // has. Searches, suggestions and lookups that meet damage fail with that
  // error; the Searcher stays usable for what can still be read.
  std::string Damage() const;

  // How many of its remote shards this Searcher searches without, because
  // they did not answer.
  int ShardsDown() const;

 private:
  friend std::unique_ptr<Searcher> SearcherFromDatabase(Xapian::Database db, const SearcherOptions& options);
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SEARCHER_H_
