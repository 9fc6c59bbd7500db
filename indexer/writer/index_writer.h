// Writes articles into Xapian databases, and builds whole index generations
// that are swapped in atomically.
//
// The layout of an index directory is in indexer/index_dir.h.
#ifndef KB_INDEXER_WRITER_INDEX_WRITER_H_
#define KB_INDEXER_WRITER_INDEX_WRITER_H_

#include <functional>
#include <string>
#include <vector>

#include <xapian.h>

#include "indexer/base/error.h"
#include "indexer/article.h"
#include "indexer/corpus/synonyms.h"

namespace kb {

// Adds `articles` to `db`, analysing each with the analyzer of its own
// locale. When `fresh` is false an article replaces the document with the
// same locale and id; when true, `db` is known to hold none of them and the
// lookup is skipped. Does not commit.
Result<void> AddArticles(Xapian::WritableDatabase& db, const std::vector<Article>& articles, bool fresh);

// Stores `synonyms` in `db`, analysed per language (see
// schema::kMetaSynonymsPrefix), replacing those stored before. Does not
// commit.
Result<void> WriteSynonyms(Xapian::WritableDatabase& db, const Synonyms& synonyms);

// An in-memory database holding `articles` and `synonyms`: for tests and
// benchmarks.
Result<Xapian::WritableDatabase> BuildInMemoryIndex(const std::vector<Article>& articles,
                                                    const Synonyms& synonyms = {});

struct BuildStats {
  int articles = 0;
  std::string generation;  // e.g. "gen-000042"
  double seconds = 0;
  bool full = false;  // a new generation was built (else the live one was updated)
  int added = 0, updated = 0, deleted = 0, unchanged = 0;
};

// Reports progress: articles written so far, of `total`.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

struct BuildOptions {
  // UpdateIndex: build a new generation even when the live one could be
  // updated.
  bool full = false;
  ProgressFn progress;  // optional
  // Articles given without learned phrasings keep those the live generation
  // holds for them (the corpus knows nothing of them). Off: the articles'
  // learned phrasings are exactly as given.
  bool keep_learned = true;
};

// Builds a new generation of the index in `index_dir` (created if missing)
// from `articles` and makes it live. Fails with kUnavailable when another
// build holds the lock, and with kFailedPrecondition when `index_dir` exists
// but is not a kbsearch index directory. On failure the live generation is
// unchanged.
Result<BuildStats> BuildIndex(const std::vector<Article>& articles, const std::string& index_dir,
                              const Synonyms& synonyms = {}, const BuildOptions& options = {});

// Builds `articles` as `shards` indexes for a corpus too big for one
// (docs/scaling.md): DIR/shard-0 ... DIR/shard-N-1, each an index
// directory given a new generation (xapian-tcpsrv serves one each), and
// DIR/lexicon. Shard k holds every N-th article of the whole index's
// document order, normalised with the whole corpus's field lengths, with
// the whole synonym table. The lexicon holds no article as a document: the
// spelling data of them all, every term's statistics and every article's
// page (schema::kMetaTermStats, kMetaPages), and the same synonyms and
// metadata. Searched together, the
// lexicon first (ShardedIndexPaths, as SearcherOptions::index_paths), they
// keep the whole index's document order and statistics, so its rankings. Learned phrasings
// are as given (options.keep_learned does not apply). kInvalidArgument
// unless 1 <= shards <= kMaxIndexShards. On failure, shards already
// rebuilt serve their new generation and the others the old one: build
// again.
inline constexpr std::size_t kMaxIndexShards = 64;
Result<std::vector<BuildStats>> BuildShardedIndex(const std::vector<Article>& articles, const std::string& index_dir,
                                                  std::size_t shards, const Synonyms& synonyms = {},
                                                  const BuildOptions& options = {});
// DIR/shard-K, DIR/lexicon, and what a sharded index is searched as:
// DIR/lexicon, DIR/shard-0, ..., DIR/shard-N-1.
std::string ShardPath(const std::string& index_dir, std::size_t k);
std::string LexiconPath(const std::string& index_dir);
std::vector<std::string> ShardedIndexPaths(const std::string& index_dir, std::size_t shards);

// Brings the index in `index_dir` up to `articles`: the live generation is
// updated in place, writing only the articles whose content hash changed,
// and deleting those no longer given, in one atomic commit. Builds a new
// generation instead (as BuildIndex) when there is none yet, when it was
// written by another schema version, or with options.full.
Result<BuildStats> UpdateIndex(const std::vector<Article>& articles, const std::string& index_dir,
                               const Synonyms& synonyms = {}, const BuildOptions& options = {});

struct LearnedUpdate {
  int articles = 0;        // in the live generation
  int changed = 0;         // whose learned phrasings changed: only these were rewritten
  std::string generation;  // the live generation, updated in place
  double seconds = 0;
};

// The learned phrasings for `article`, stored under its id in
// `translations` locales (so a phrasing of no known language can be told
// apart from another translation's).
using LearnedFn = std::function<std::vector<LearnedPhrasing>(const Article& article, int translations)>;

// Gives every article of the live generation of `index_dir` the learned
// phrasings `learned` returns for it, rewriting only the documents whose
// phrasings changed (by ArticleHash), in one atomic commit, under the
// build lock (not taken when nothing changes). kNotFound without an index;
// kFailedPrecondition for an index of another schema version; kUnavailable
// while a build holds the lock.
Result<LearnedUpdate> UpdateLearned(const std::string& index_dir, const LearnedFn& learned);

// The articles of the live generation of `index_dir` that have learned
// phrasings, by id and then locale, with their id, title, locale, audience,
// questions and learned phrasings (no body). kNotFound without an index.
Result<std::vector<Article>> ReadLearned(const std::string& index_dir);

}  // namespace kb

#endif  // KB_INDEXER_WRITER_INDEX_WRITER_H_
