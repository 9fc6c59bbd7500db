// Article: one help-center entry, as every corpus reader produces it and as
// the index writer consumes it.
#ifndef KB_INDEXER_ARTICLE_H_
#define KB_INDEXER_ARTICLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

// What an article is: an answer to a question, or steps that fix a problem.
enum class ArticleType : std::uint8_t { kFaq, kTroubleshooting };
// Who may see it: everyone, or support agents only.
enum class ArticleAudience : std::uint8_t { kPublic, kInternal };

// Names as the corpus and the API write them: "faq", "troubleshooting";
// "public", "internal". Parse* take exactly those names.
std::string_view ArticleTypeName(ArticleType type);
std::optional<ArticleType> ParseArticleType(std::string_view name);
std::string_view AudienceName(ArticleAudience audience);
std::optional<ArticleAudience> ParseAudience(std::string_view name);

// A phrasing learned from usage (server/learning, docs/learning.md): not
// part of the corpus; the index keeps it with the article.
struct LearnedPhrasing {
  std::string text;     // a normalised query
  double weight = 0;    // satisfied clients, decayed (at most one per client)
  int clients = 0;      // distinct clients it satisfied
  bool agent = false;   // from agents' lookups: only agents' searches match it
  bool operator==(const LearnedPhrasing&) const = default;
};

struct Article {
  std::string id;                 // stable slug; unique per locale (translations share it)
  std::string title;
  ArticleType type = ArticleType::kFaq;
  std::string locale;             // BCP 47, canonical case ("de-AT")
  std::string product;
  std::string category;
  std::vector<std::string> tags;
  ArticleAudience audience = ArticleAudience::kPublic;
  std::string updated;            // "YYYY-MM-DD", or empty when not given
  std::vector<std::string> questions;  // alternative phrasings customers use
  std::string body_markdown;      // the body as written
  std::string body_text;          // the body as plain text, for indexing and snippets
  std::vector<std::string> steps; // the numbered Steps of a troubleshooting article
  std::vector<LearnedPhrasing> learned;  // from usage, not from the corpus
  SourceLocation source;          // where the article starts (path, line)
  // The line of source.path on which body_markdown begins, so that a place
  // in the body can be reported by line; 0 when the body is not written line
  // by line in the source (JSONL: the body is one string on the article's line).
  int body_line = 0;
};

// Validation and canonical forms of article fields, shared by all readers
// (so that Markdown and JSONL articles obey the same rules) and by the API.

// An id is a non-empty string without whitespace or control characters.
// Returns a message saying what is wrong, or nullopt.
std::optional<std::string> CheckId(std::string_view id);

// Canonical BCP 47 tag ("DE-at" -> "de-AT"), or nullopt when `tag` is not a
// well-formed language tag.
std::optional<std::string> CanonicalLocale(std::string_view tag);

// "YYYY-MM-DD" for a valid calendar date, also accepting an ISO 8601
// timestamp that starts with one ("2026-08-14T10:00:00Z"); nullopt otherwise.
std::optional<std::string> CanonicalDate(std::string_view text);

}  // namespace kb

#endif  // KB_INDEXER_ARTICLE_H_
