// HtmlToMarkdown: turns the HTML body of a help-desk article into the
// Markdown the corpus is written in (docs/corpus-format.md), so that imported
// articles are reviewable in git and index like hand-written ones.
//
// The HTML goes through a real HTML5 parser (gumbo), so malformed markup is
// repaired the way a browser would. What comes out:
//  * paragraphs, headings (# .. ######), **bold**, *italic*, ~~struck~~;
//  * lists as "- " items and ordered lists as "1. " items, nested lists
//    indented under their item; a list that directly follows another list
//    of the same kind uses "* " or "1) " so the two stay apart;
//  * inline `code` and <pre> blocks as fenced code (``` with the language
//    from a "language-X" or "lang-X" class);
//  * tables as GitHub-style pipe tables, the first row as the header;
//  * links as [text](url) and images as links [alt](src);
//  * <br> as a hard line break (a backslash at the end of the line), two in a
//    row as a paragraph break.
// Elements that are not content (script, style, iframe, object, embed, svg,
// math, form controls, comments) are dropped with everything inside them.
// Tags gumbo does not know (custom elements, Word's <o:p>) are unwrapped:
// the tag goes, its text stays. Links and images with javascript:, vbscript:
// or data: targets keep only their text. Text is escaped where Markdown
// would otherwise read it as markup (`*`, `_`, `[`, `<`, a leading "1." ...).
// No raw HTML is ever emitted.
//
// Thread safety: a pure function; safe to call from any thread.
#ifndef KB_INDEXER_IMPORT_HTML_TO_MARKDOWN_H_
#define KB_INDEXER_IMPORT_HTML_TO_MARKDOWN_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kb {

struct HtmlToMarkdownOptions {
  // Called with each link target (after entity decoding and trimming); a
  // returned value replaces it, nullopt keeps it. The Zendesk import uses it
  // to turn links between imported articles into "kb:ID" links.
  // Default: none (targets are kept as they are).
  std::function<std::optional<std::string>(std::string_view href)> rewrite_link;
};

// Returns the Markdown for `html` (a fragment or a whole document): blocks
// separated by one blank line, ending in a newline, or "" when the HTML has
// no text.
std::string HtmlToMarkdown(std::string_view html, const HtmlToMarkdownOptions& options = {});

}  // namespace kb

#endif  // KB_INDEXER_IMPORT_HTML_TO_MARKDOWN_H_
