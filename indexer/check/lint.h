// Lints a corpus without indexing it: everything `kb-index build` would
// reject, plus what a content team should fix before it hurts customers
// (links to articles that do not exist, stale or empty articles, ...).
// docs/corpus-format.md ("Checking a corpus") lists every finding and why it
// has its severity.
//
// Errors are everything `kb-index build` rejects, reported by the same
// readers at the same path:line (every synonyms problem, not just the first),
// plus kb: links that customers cannot follow. Warnings (empty bodies,
// troubleshooting without steps, stale or undated articles, duplicate titles)
// never stop a build.
#ifndef KB_INDEXER_CHECK_LINT_H_
#define KB_INDEXER_CHECK_LINT_H_

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb::check {

enum class Severity { kError, kWarning };

// "error" or "warning".
std::string_view SeverityName(Severity severity);

// One problem found in the corpus.
struct Finding {
  SourceLocation where;  // path and line; column where known (not printed)
  Severity severity = Severity::kError;
  std::string message;

  // "path:line: error: message", as kb-index build prints its errors.
  std::string ToString() const;
};

struct LintOptions {
  // An article whose `updated` date is more than this many days before
  // `today` is stale (a warning), and so is one without a date. 0 turns both
  // warnings off. Default: 365.
  int stale_days = 365;

  // The date staleness is judged on. Default: the current date (UTC).
  std::optional<std::chrono::sys_days> today;

  // The locale kb: links fall back to when the article's own locale and
  // language have no such article; the server's `default_locale`.
  // Default: "en".
  std::string default_locale = "en";
};

struct LintReport {
  std::vector<Finding> findings;  // ordered by path, then line
  int articles = 0;               // articles read without errors
  int locales = 0;                // distinct locales among them

  int Count(Severity severity) const;
};

// Reads the corpus at `corpus_path` (a directory, or one .md or .jsonl file,
// as ReadCorpus takes) and its synonyms, and returns every finding. Fails
// only when `corpus_path` cannot be read at all. Thread-safe.
Result<LintReport> LintCorpus(const std::string& corpus_path, const LintOptions& options = {});

// The usage text of `kb-index check`, for the command's own usage errors and
// kb-index's help.
extern const std::string_view kCheckUsage;

// Runs `kb-index check ARGS...` (`args` are those after "check"): prints one
// line per finding and a summary line to `out`, usage problems to `err`.
// Returns 0 when there are no errors (warnings allowed), 1 when there are
// errors or the corpus cannot be read, 2 on bad usage.
int RunCheckCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kb::check

#endif  // KB_INDEXER_CHECK_LINT_H_
