// The snippets customers and agents read, held: for a query made of each
// article's customer question (its title when it has none) in the bundled
// help center, in every language, the <mark>ed snippets of the first three
// results, against tests/server/search/snippets.golden. A change to how
// snippets are made must keep them, or change them on purpose: run the test
// with KB_UPDATE_GOLDEN=1 to write the file anew, and read its diff.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"

namespace kb::search {
namespace {

TEST(SnippetGoldenTest, BundledCorpusSnippetsAreAsHeld) {
  const std::string corpus_dir = std::string(KB_SOURCE_DIR) + "/corpus";
  const std::string golden = std::string(KB_SOURCE_DIR) + "/tests/server/search/snippets.golden";
  auto corpus = ReadCorpus(corpus_dir);
  ASSERT_TRUE(corpus.has_value()) << corpus.error().ToString();
  auto synonyms = ReadSynonyms(corpus_dir);
  ASSERT_TRUE(synonyms.has_value());
  TempDir tmp("snippets");
  ASSERT_TRUE(BuildIndex(corpus->articles, tmp.path() + "/index", *synonyms));
  auto searcher = Searcher::Open(SearcherOptions{.index_paths = {tmp.path() + "/index"}});
  ASSERT_TRUE(searcher.has_value()) << searcher.error().ToString();

  std::string made = "# locale\taudience\tquery\tresult\tsnippet\n";
  int marked = 0;
  for (const Article& a : corpus->articles) {
    const std::string query = a.questions.empty() ? a.title : a.questions.front();
    for (const Audience audience : {Audience::kPublic, Audience::kAgent}) {
      auto r = (*searcher)->Search(SearchRequest{.query = query, .locale = a.locale, .audience = audience, .limit = 3});
      ASSERT_TRUE(r.has_value()) << query << ": " << r.error().ToString();
      for (const SearchHit& hit : r->hits) {
        made += fmt::format("{}\t{}\t{}\t{}\t{}\n", a.locale, audience == Audience::kPublic ? "public" : "agent", query,
                            hit.id, hit.snippet);
        if (hit.snippet.find("<mark>") != std::string::npos) ++marked;
      }
    }
  }
  EXPECT_GT(marked, 500);
  if (const char* update = std::getenv("KB_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::trunc) << made;
    GTEST_SKIP() << "wrote " << golden;
  }
  std::ifstream in(golden);
  ASSERT_TRUE(in.good()) << "no " << golden << " (write it with KB_UPDATE_GOLDEN=1)";
  std::stringstream held;
  held << in.rdbuf();
  // Line by line, so that a failure shows the snippets that changed.
  std::istringstream want(held.str()), got(made);
  std::string w, g;
  int line = 0, differ = 0;
  while (true) {
    const bool more_w = static_cast<bool>(std::getline(want, w));
    const bool more_g = static_cast<bool>(std::getline(got, g));
    if (!more_w && !more_g) break;
    ++line;
    if (w != g && ++differ <= 10) ADD_FAILURE() << golden << ":" << line << "\n held: " << w << "\n  made: " << g;
    if (!more_w || !more_g) {
      ADD_FAILURE() << golden << ": " << (more_g ? "more" : "fewer") << " snippets made than held";
      break;
    }
  }
  EXPECT_EQ(differ, 0);
}

}  // namespace
}  // namespace kb::search
