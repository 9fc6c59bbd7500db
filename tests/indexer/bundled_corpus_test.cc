// The bundled help center in corpus/ must always build cleanly and keep the
// mix of content the product is demonstrated and tested with.
#include <map>

#include <gtest/gtest.h>

#include "indexer/corpus/corpus_reader.h"

namespace kb {
namespace {

TEST(BundledCorpusTest, ReadsWithoutErrorsAndHasTheRequiredMix) {
  auto corpus = ReadCorpus(std::string(KB_SOURCE_DIR) + "/corpus");
  ASSERT_TRUE(corpus.has_value());
  for (const Error& e : corpus->errors) ADD_FAILURE() << e.ToString();
  std::map<std::string, int> per_locale;
  int internal = 0, troubleshooting = 0, with_steps = 0;
  for (const Article& a : corpus->articles) {
    ++per_locale[a.locale];
    internal += a.audience == ArticleAudience::kInternal;
    if (a.type == ArticleType::kTroubleshooting) {
      ++troubleshooting;
      with_steps += !a.steps.empty();
      EXPECT_FALSE(a.steps.empty()) << a.source.path << ": troubleshooting article without steps";
    }
  }
  EXPECT_GE(corpus->articles.size(), 150u);
  EXPECT_GE(internal, 20);
  EXPECT_GE(per_locale["de"], 20);
  EXPECT_GE(per_locale["ja"], 20);
  EXPECT_EQ(with_steps, troubleshooting);
}

}  // namespace
}  // namespace kb
