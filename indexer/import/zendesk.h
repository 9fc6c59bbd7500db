// Importing a Zendesk Help Center article export into the corpus, as
// reviewable Markdown files (see "Importing from Zendesk" in
// docs/corpus-format.md).
//
// An export is {"articles": [...]}; each article has the fields of Zendesk's
// Help Center API: id, title, body (HTML), locale, section_id, label_names,
// draft, updated_at, html_url and user_segment_id. Each published article
// becomes <locale>/zendesk-<section_id>/zd-<id>.md:
//  * id        "zd-<id>": stable across title changes, and shared by the
//              translations of an article, as Zendesk's id is;
//  * category  "zendesk-<section_id>" ("zendesk" without a section);
//  * type      "troubleshooting" when the body has a numbered list under a
//              Steps heading (Steps, Schritte, 手順 ... as the indexer reads
//              them), else "faq";
//  * tags      the labels; audience "internal" when the article has a user
//              segment (only some users may see it), else "public";
//  * updated   the date of updated_at; html_url goes to "source_url", a
//              front-matter key the readers ignore;
//  * the body  converted by HtmlToMarkdown; links to other articles of the
//              export become "kb:zd-<id>" links.
// Drafts are skipped without being checked.
//
// The import checks the whole export before it writes anything: any problem
// (malformed JSON, no "articles", an article without id, title, body or a
// well-formed locale, ...) is reported with its line and nothing is
// written. Re-running an import rewrites only the files whose content
// changed, so the files and ids are deterministic and git shows only real
// changes.
//
// Thread safety: the functions keep no state; two imports into the same
// directory at once are not supported.
#ifndef KB_INDEXER_IMPORT_ZENDESK_H_
#define KB_INDEXER_IMPORT_ZENDESK_H_

#include <ostream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

// One Markdown file of an import.
struct ImportedFile {
  std::string locale;    // canonical, "en-US"
  std::string category;  // "zendesk-360000123"
  std::string id;        // "zd-360001234567"
  std::string content;   // the whole file: front matter and body

  // "<locale>/<category>/<id>.md", relative to the output directory.
  std::string RelativePath() const { return locale + "/" + category + "/" + id + ".md"; }
};

// What an export converts to.
struct ZendeskConversion {
  std::vector<ImportedFile> files;  // in export order; empty when there are errors
  int drafts = 0;                   // draft articles, skipped
  std::vector<Error> errors;        // each with the line of the problem, without a path
};

// Converts the text of an export. Pure: reads and writes no files.
ZendeskConversion ConvertZendeskExport(std::string_view json);

struct ImportSummary {
  int written = 0;    // files created or changed
  int unchanged = 0;  // files that already had this content: not touched
  int skipped = 0;    // drafts
  int moved = 0;      // older copies removed because their article changed section
  // Files named zd-*.md under the output directory that this export does
  // not contain (deleted or unpublished in Zendesk, or exported
  // separately). They are left in place; the caller reports them.
  std::vector<std::string> stale;
  // The export's problems, each with path and line. When there are any,
  // nothing was written and the counts other than `skipped` are 0.
  std::vector<Error> errors;
};

// Reads the export at `export_path` and writes its articles under
// `out_dir` (created if missing). Fails only when the export cannot be read
// or a file cannot be written; problems in the export are in `errors`.
// `progress`, if given, is told the articles converted and written so far.
Result<ImportSummary> ImportZendesk(const std::string& export_path, const std::string& out_dir,
                                    const std::function<void(std::size_t done, std::size_t total)>& progress = {});

// Runs `kb-index import ARGS...` (`args` are those after "import"), writing
// the summary to `out` and diagnostics to `err`. Returns 0 on success, 1
// when the export had problems or a file could not be read or written, 2 on
// bad usage.
int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb

#endif  // KB_INDEXER_IMPORT_ZENDESK_H_
