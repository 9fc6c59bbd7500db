#include "tests/fuzz/bundled_index.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "indexer/schema.h"
#include "indexer/text/analyzer.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

const BundledIndex& Bundled() {
  // On tmpfs where there is one: the event store's fsyncs then cost nothing.
  static const std::unique_ptr<TempDir> tmp = [] {
    std::error_code ec;
    if (std::filesystem::is_directory("/dev/shm", ec)) ::setenv("TMPDIR", "/dev/shm", /*overwrite=*/0);
    return std::make_unique<TempDir>("kb-fuzz");
  }();
  static const BundledIndex index = [] {
    BundledIndex b;
    b.dir = tmp->path() + "/index";
    b.scratch = tmp->path();
    auto build = BuildFromCorpus(SourcePath("corpus"), b.dir);
    if (!build) Fail("cannot index the bundled corpus: " + build.error().errors.front().ToString());
    std::set<std::string> public_titles;
    for (const Article& a : build->corpus.articles) {
      if (a.audience != ArticleAudience::kPublic) continue;
      public_titles.insert(a.title);
      std::vector<std::string> texts = {a.title, a.body_text, a.product, a.category};
      texts.insert(texts.end(), a.questions.begin(), a.questions.end());
      texts.insert(texts.end(), a.tags.begin(), a.tags.end());
      texts.insert(texts.end(), a.steps.begin(), a.steps.end());
      for (const std::string& text : texts) {
        // The words as the indexer makes them: hyphenated ones also joined
        // ("REST-API" is "restapi" too).
        const std::vector<text::Token> tokens = text::Tokenize(text);
        for (const text::Token& t : tokens) b.public_terms.insert(t.term);
        for (auto& [at, joined] : schema::Hyphenated(text, tokens)) b.public_terms.insert(std::move(joined));
      }
    }
    for (const Article& a : build->corpus.articles) {
      if (a.audience != ArticleAudience::kInternal) continue;
      b.internal_keys.insert(schema::ArticleKey(a.locale, a.id));
      if (!public_titles.contains(a.title)) b.internal_titles.push_back(a.title);
    }
    return b;
  }();
  return index;
}

std::optional<std::string> NonPublicTerm(std::string_view proposal, std::string_view typed) {
  std::set<std::string> typed_terms;
  for (text::Token& t : text::Tokenize(typed)) typed_terms.insert(std::move(t.term));
  const std::set<std::string>& public_terms = Bundled().public_terms;
  for (text::Token& t : text::Tokenize(proposal)) {
    if (!typed_terms.contains(t.term) && !public_terms.contains(t.term)) return std::move(t.term);
  }
  return std::nullopt;
}

}  // namespace kb::fuzz
