// Article: one help-center entry, as every corpus reader produces it and as
// the index writer consumes it.
#ifndef KB_INDEXER_ARTICLE_H_
#define KB_INDEXER_ARTICLE_H_

#include <string>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

struct Article {
  std::string id;                 // stable slug; unique per locale (translations share it)
  std::string title;
  std::string type = "faq";       // "faq" or "troubleshooting"
  std::string locale;             // BCP 47, canonical case ("de-AT")
  std::string product;
  std::string category;
  std::vector<std::string> tags;
  std::string audience = "public";  // "public" or "internal" (agents only)
  std::string updated;            // "YYYY-MM-DD", or empty when not given
  std::vector<std::string> questions;  // alternative phrasings customers use
  std::string body_markdown;      // the body as written
  std::string body_text;          // the body as plain text, for indexing and snippets
  std::vector<std::string> steps; // the numbered Steps of a troubleshooting article
  SourceLocation source;          // where the article starts (path, line)
  // The line of source.path on which body_markdown begins, so that a place
  // in the body can be reported by line; 0 when the body is not written line
  // by line in the source (JSONL: the body is one string on the article's line).
  int body_line = 0;
};

// Field values the readers accept.
bool IsValidArticleType(std::string_view type);
bool IsValidAudience(std::string_view audience);

}  // namespace kb

#endif  // KB_INDEXER_ARTICLE_H_
