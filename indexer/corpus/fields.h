// Validation and canonical forms of article fields, shared by all readers so
// that Markdown and JSONL articles obey the same rules.
#ifndef KB_INDEXER_CORPUS_FIELDS_H_
#define KB_INDEXER_CORPUS_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

// An id is a non-empty string without whitespace or control characters.
// Returns a message saying what is wrong, or nullopt.
std::optional<std::string> CheckId(std::string_view id);

// Canonical BCP 47 tag ("DE-at" -> "de-AT"), or nullopt when `tag` is not a
// well-formed language tag.
std::optional<std::string> CanonicalLocale(std::string_view tag);

// "YYYY-MM-DD" for a valid calendar date, also accepting an ISO 8601
// timestamp that starts with one ("2026-08-14T10:00:00Z"); nullopt otherwise.
std::optional<std::string> CanonicalDate(std::string_view text);

// A link target in a Markdown body: inline ("[text](url)"), by reference
// ("[text][ref]" with "[ref]: url") or an autolink ("<url>").
struct MarkdownLink {
  std::string url;  // as written, with entities and backslash escapes resolved
  // Byte offset of the url in the Markdown (for a reference link, in its
  // definition), or npos when it cannot be told.
  std::size_t offset = std::string_view::npos;
};

// Builds the plain text of a Markdown body and extracts the numbered list
// under a "Steps" heading (in any bundled language).
struct MarkdownContent {
  std::string text;
  std::vector<std::string> steps;
  std::vector<std::string> headings;
  std::vector<MarkdownLink> links;  // link targets (not images), in order
};
MarkdownContent ExtractMarkdown(std::string_view markdown);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_FIELDS_H_
