// The HTML body of a Zendesk article: the Markdown it becomes is valid
// UTF-8, and an export with that body imports into an article that reads
// back.
#include <fmt/core.h>
#include <gumbo.h>
#include <nlohmann/json.hpp>

#include "indexer/corpus/readers.h"
#include "indexer/import/html_to_markdown.h"
#include "indexer/import/zendesk.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

// gumbo on its own, reading the input from the end of readable memory with
// the padding HtmlToMarkdown gives it: it must not read further.
void ParseGuarded(std::string_view input) {
  const testing::GuardedCopy copy(input, 64);
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, copy.data(), copy.size());
  gumbo_destroy_output(&kGumboDefaultOptions, output);
}

}  // namespace

void FuzzZendeskHtml(std::string_view input) {
  ParseGuarded(input);
  const std::string markdown = HtmlToMarkdown(input);
  Check(IsUtf8(markdown), "HtmlToMarkdown made invalid UTF-8");
  if (!IsUtf8(input)) return;  // a JSON export cannot hold it
  const nlohmann::json article = {{"id", 7}, {"title", "Imported"}, {"locale", "en-us"}, {"section_id", 3},
                                  {"body", std::string(input)}};
  const std::string json = nlohmann::json{{"articles", {article}}}.dump();
  const ZendeskConversion c = ConvertZendeskExport(json);
  Check(c.errors.empty(), fmt::format("a valid export was refused: {}", c.errors.empty() ? "" : c.errors[0].ToString()));
  Check(c.files.size() == 1, "a valid export did not make one file");
  if (c.files.size() != 1) return;
  const ReadResult r = ParseMarkdownArticle(c.files[0].content, ArticleDefaults{.locale = "en-US"});
  Check(r.errors.empty(), fmt::format("the imported file does not read back: {}\n{}",
                                      r.errors.empty() ? "" : r.errors[0].ToString(), c.files[0].content));
  if (r.errors.empty()) {
    Check(r.articles[0].id == "zd-7" && r.articles[0].title == "Imported", "the imported file lost its id or title");
  }
}

}  // namespace kb::fuzz
