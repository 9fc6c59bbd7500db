// The bundled help center (corpus/) as an index in a temporary directory,
// built once per process for the targets that search: an on-disk index,
// because the in-memory backend keeps no spelling data.
#ifndef KB_TESTS_FUZZ_BUNDLED_INDEX_H_
#define KB_TESTS_FUZZ_BUNDLED_INDEX_H_

#include <set>
#include <string>
#include <vector>

namespace kb::fuzz {

struct BundledIndex {
  std::string dir;                            // the index directory
  std::string scratch;                        // a directory for other files of the target
  std::set<std::string> internal_keys;        // "locale:id" of the internal articles
  std::vector<std::string> internal_titles;   // titles found only in internal articles
};

// Builds it on first use; it is removed at exit.
const BundledIndex& Bundled();

}  // namespace kb::fuzz

#endif  // KB_TESTS_FUZZ_BUNDLED_INDEX_H_
