#include "tests/fuzz/bundled_index.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "indexer/schema.h"
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
      if (a.audience == ArticleAudience::kPublic) public_titles.insert(a.title);
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

}  // namespace kb::fuzz
