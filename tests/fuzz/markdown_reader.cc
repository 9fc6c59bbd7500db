// A Markdown article with YAML front matter, as a content team writes it:
// the reader's errors name a line of the input; what it accepts is valid
// UTF-8 and survives being stored as a document and read back.
#include <map>
#include <memory>

#include <fmt/core.h>

#include "indexer/corpus/readers.h"
#include "indexer/document.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

void CheckText(std::string_view field, std::string_view text) {
  Check(IsUtf8(text), fmt::format("the reader accepted a {} that is not valid UTF-8", field));
}

const text::Analyzer& AnalyzerFor(const std::string& locale) {
  static std::map<std::string, std::unique_ptr<text::Analyzer>> analyzers;
  auto& a = analyzers[locale];
  if (!a) a = std::make_unique<text::Analyzer>(locale);
  return *a;
}

}  // namespace

void FuzzMarkdownReader(std::string_view input) {
  const ReadResult r = ParseMarkdownArticle(input, ArticleDefaults{});
  const int lines = LineCount(input);
  for (const Error& e : r.errors) {
    Check(e.where().line >= 1 && e.where().line <= lines + 1,
          fmt::format("error outside the input's {} lines: {}", lines, e.ToString()));
    Check(IsUtf8(e.message()), "an error message is not valid UTF-8");
  }
  Check(r.errors.empty() == (r.articles.size() == 1), "neither one article nor an error");
  for (const Article& a : r.articles) {
    for (std::string_view s : {std::string_view(a.id), std::string_view(a.title), std::string_view(a.locale),
                               std::string_view(a.product), std::string_view(a.category),
                               std::string_view(a.body_markdown), std::string_view(a.body_text)}) {
      CheckText("field", s);
    }
    for (const auto* list : {&a.tags, &a.questions, &a.steps}) {
      for (const std::string& s : *list) CheckText("list item", s);
    }
    const Xapian::Document doc = schema::MakeDocument(a, AnalyzerFor(a.locale), schema::FieldLengths{});
    const Article stored = schema::StoredArticle(doc, schema::StoredParts::kAll);
    Check(stored.id == a.id && stored.title == a.title && stored.locale == a.locale && stored.tags == a.tags &&
              stored.audience == a.audience && stored.type == a.type && stored.updated == a.updated &&
              stored.questions == a.questions && stored.body_markdown == a.body_markdown &&
              stored.body_text == a.body_text && stored.steps == a.steps,
          "the stored document does not read back as the article");
  }
}

}  // namespace kb::fuzz
