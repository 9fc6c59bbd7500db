// Reads a whole corpus: a directory tree of Markdown (and JSONL) files, or a
// single JSONL file. Collects every problem instead of stopping at the first.
#ifndef KB_INDEXER_CORPUS_CORPUS_READER_H_
#define KB_INDEXER_CORPUS_CORPUS_READER_H_

#include <string>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/article.h"

namespace kb {

struct Corpus {
  std::vector<Article> articles;  // in a stable order (sorted paths, then lines)
  std::vector<Error> errors;      // each with path and line
  int files_read = 0;
};

// Reads `path`:
//  * a file ending in .jsonl: one article per line;
//  * a file ending in .md: one article;
//  * a directory: every .md and .jsonl file below it, in sorted order. Hidden
//    entries and README.md files are skipped. Files under
//    <root>/<locale>/<category>/ take that locale and category unless their
//    front matter says otherwise.
// The same id twice in one locale is an error naming both places.
// Fails only when `path` cannot be read at all.
// `title_required` is passed on to the readers (see ArticleDefaults).
Result<Corpus> ReadCorpus(const std::string& path, bool title_required = true);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_CORPUS_READER_H_
