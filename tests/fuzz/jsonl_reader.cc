// A JSONL stream of articles: every error names one of the stream's lines
// (with the column when the JSON itself is broken), and each article comes
// from a line that holds one.
#include <fmt/core.h>

#include "indexer/corpus/readers.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

void FuzzJsonlReader(std::string_view input) {
  const ReadResult r = ParseJsonlArticles(input, ArticleDefaults{});
  const int lines = LineCount(input);
  for (const Error& e : r.errors) {
    Check(e.code() == ErrorCode::kInvalidArgument, "an error that is not invalid_argument: " + e.ToString());
    Check(e.where().line >= 1 && e.where().line <= lines,
          fmt::format("error outside the input's {} lines: {}", lines, e.ToString()));
    Check(IsUtf8(e.message()), "an error message is not valid UTF-8");
  }
  int last = 0;
  for (const Article& a : r.articles) {
    Check(a.source.line > last && a.source.line <= lines, "an article's line is out of order or range");
    last = a.source.line;
    Check(IsUtf8(a.id) && IsUtf8(a.title) && IsUtf8(a.body_markdown) && IsUtf8(a.body_text),
          "an article that is not valid UTF-8");
    Check(!a.id.empty(), "an article without an id");
  }
}

}  // namespace kb::fuzz
