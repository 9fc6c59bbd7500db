// Corpus readers: text in, Articles out, with every problem reported as an
// Error that carries a line (and column where known). Readers never stop at
// the first problem; the caller adds the file path and decides what to do.
//
// Formats:
//  * Markdown with a YAML front-matter block between "---" lines
//    (corpus/<locale>/<category>/<slug>.md).
//  * JSONL, one article per line: "_id"/"id", "title", "text"/"body", plus
//    any front-matter field. Unknown keys are ignored; an empty body is fine.
#ifndef KB_INDEXER_CORPUS_READERS_H_
#define KB_INDEXER_CORPUS_READERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/article.h"

namespace kb {

// Values a reader uses for fields an article does not set itself.
struct ArticleDefaults {
  std::string locale = "en";
  std::string category;
  // Whether an empty or missing title is an error. Evaluation collections
  // with untitled passages turn this off. Default: true.
  bool title_required = true;
};

// What a reader made of one input: the articles it could read, and the
// errors (without path) of those it could not.
struct ReadResult {
  std::vector<Article> articles;
  std::vector<Error> errors;
};

// Parses one Markdown article. On success `articles` holds exactly one.
ReadResult ParseMarkdownArticle(std::string_view text, const ArticleDefaults& defaults);

// Parses a JSONL stream; line numbers are those of the stream. Blank lines
// are skipped.
ReadResult ParseJsonlArticles(std::string_view text, const ArticleDefaults& defaults);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_READERS_H_
