// BuildFromCorpus: the one way a corpus on disk becomes an index directory.
// `kb-index build`, the server's reindex jobs and kb-relevance all call it,
// so they read, check and write articles the same way.
#ifndef KB_INDEXER_BUILD_BUILD_H_
#define KB_INDEXER_BUILD_BUILD_H_

#include <expected>
#include <string>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/writer/index_writer.h"

namespace kb {

struct CorpusBuildOptions {
  // How the index is written: a full rebuild or an update; progress.
  BuildOptions index;
  // Articles must have a title. Default: true. Evaluation collections, whose
  // documents may be untitled, turn it off.
  bool title_required = true;
  // The directory whose synonyms/ folder is read. Default: "", the corpus
  // path itself.
  std::string synonyms_dir;
  // Index the readable articles even when others have problems, which are
  // then reported in CorpusBuild::corpus.errors. Default: false: any problem
  // in the corpus leaves the index untouched.
  bool skip_bad_articles = false;
  // Build this many shards (BuildShardedIndex) instead of one index; always
  // a full build. Default: 0, one index.
  std::size_t shards = 0;
};

struct CorpusBuild {
  Corpus corpus;  // what was read and indexed
  BuildStats stats;
};

struct CorpusBuildFailure {
  // Every problem found, each with its path and line when it has one.
  std::vector<Error> errors;
  // True when `errors` are the corpus's own problems (bad articles or
  // synonyms); false when the corpus could not be read at all or the index
  // could not be written (one error).
  bool in_corpus = false;
};

// Reads the corpus at `corpus_path` (a directory of Markdown and JSONL
// files, or one file), checks every article and the synonyms, and brings
// `index_dir` up to it (UpdateIndex: only what changed, or a new generation
// with options.index.full). On failure the live index is unchanged.
std::expected<CorpusBuild, CorpusBuildFailure> BuildFromCorpus(const std::string& corpus_path,
                                                               const std::string& index_dir,
                                                               const CorpusBuildOptions& options = {});

}  // namespace kb

#endif  // KB_INDEXER_BUILD_BUILD_H_
