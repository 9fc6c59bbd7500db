// What the readers take from a Markdown body: its plain text, steps,
// headings and links.
#ifndef KB_INDEXER_CORPUS_FIELDS_H_
#define KB_INDEXER_CORPUS_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

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
