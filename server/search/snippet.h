// Snippets: a short passage of an article around the words that matched,
// HTML-escaped, with each matching word wrapped in <mark>…</mark>.
#ifndef KB_SERVER_SEARCH_SNIPPET_H_
#define KB_SERVER_SEARCH_SNIPPET_H_

#include <string>
#include <string_view>
#include <unordered_set>

#include "indexer/text/analyzer.h"

namespace kb::search {

struct SnippetOptions {
  // Words in the passage. Default: 30.
  int window_words = 30;
  // Only this much of the text is looked at. Default: 32 KiB.
  std::size_t max_scan_bytes = 32 * 1024;
};

// HTML-escapes & < > " '.
std::string HtmlEscape(std::string_view text);

// Picks the window of `text` with the most distinct query stems (`stems`, as
// produced by `analyzer`) and returns it escaped and marked. With no match,
// returns the start of the text. Leading/trailing "…" show a cut.
std::string MakeSnippet(std::string_view text, const std::unordered_set<std::string>& stems,
                        const text::Analyzer& analyzer, const SnippetOptions& options = {});

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SNIPPET_H_
