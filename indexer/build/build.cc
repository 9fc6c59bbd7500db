#include "indexer/build/build.h"

#include "indexer/corpus/synonyms.h"

namespace kb {

std::expected<CorpusBuild, CorpusBuildFailure> BuildFromCorpus(const std::string& corpus_path,
                                                               const std::string& index_dir,
                                                               const CorpusBuildOptions& options) {
  auto fail = [](std::vector<Error> errors, bool in_corpus) {
    return std::unexpected(CorpusBuildFailure{std::move(errors), in_corpus});
  };
  auto corpus = ReadCorpus(corpus_path, options.title_required);
  if (!corpus) return fail({corpus.error()}, false);
  auto synonyms = ReadSynonyms(options.synonyms_dir.empty() ? corpus_path : options.synonyms_dir);
  if (!synonyms) {
    if (options.skip_bad_articles) return fail({synonyms.error()}, true);
    corpus->errors.push_back(synonyms.error());
  }
  if (!corpus->errors.empty() && !options.skip_bad_articles) return fail(std::move(corpus->errors), true);
  if (options.shards > 0) {
    auto shards = BuildShardedIndex(corpus->articles, index_dir, options.shards, *synonyms, options.index);
    if (!shards) return fail({shards.error()}, false);
    BuildStats all;
    all.full = true;
    for (const BuildStats& s : *shards) {
      all.articles += s.articles;
      all.added += s.added;
      all.seconds += s.seconds;
      all.generation = s.generation;  // each shard's, in its own directory
    }
    return CorpusBuild{std::move(*corpus), all};
  }
  auto stats = UpdateIndex(corpus->articles, index_dir, *synonyms, options.index);
  if (!stats) return fail({stats.error()}, false);
  return CorpusBuild{std::move(*corpus), std::move(*stats)};
}

}  // namespace kb
