// A Zendesk Help Center export: every problem names a line of the export;
// every file an import would write reads back as a valid article, with the
// id, locale and category it was written for.
#include <fmt/core.h>

#include "indexer/corpus/readers.h"
#include "indexer/import/zendesk.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

void FuzzZendeskExport(std::string_view input) {
  const ZendeskConversion c = ConvertZendeskExport(input);
  const int lines = LineCount(input);
  for (const Error& e : c.errors) {
    Check(e.code() == ErrorCode::kInvalidArgument, "an error that is not invalid_argument: " + e.ToString());
    // lines + 1: the end of an input that ends with a newline.
    Check(e.where().line >= 1 && e.where().line <= lines + 1,
          fmt::format("error outside the input's {} lines: {}", lines, e.ToString()));
    Check(IsUtf8(e.message()), "an error message is not valid UTF-8");
  }
  Check(c.errors.empty() || c.files.empty(), "files to write despite errors");
  for (const ImportedFile& f : c.files) {
    const ReadResult r = ParseMarkdownArticle(f.content, ArticleDefaults{.locale = f.locale, .category = f.category});
    Check(r.errors.empty(), fmt::format("an imported file does not read back: {}\n{}",
                                        r.errors.empty() ? "" : r.errors[0].ToString(), f.content));
    if (!r.errors.empty()) continue;
    const Article& a = r.articles[0];
    Check(a.id == f.id && a.locale == f.locale && a.category == f.category,
          fmt::format("an imported file reads back as {}/{}/{}, not {}", a.locale, a.category, a.id, f.RelativePath()));
  }
}

}  // namespace kb::fuzz
