// The bundled help center (corpus/) as an index in a temporary directory,
// built once per process for the targets that search: an on-disk index,
// because the in-memory backend keeps no spelling data.
#ifndef KB_TESTS_FUZZ_BUNDLED_INDEX_H_
#define KB_TESTS_FUZZ_BUNDLED_INDEX_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kb::fuzz {

struct BundledIndex {
  std::string dir;                            // the index directory
  std::string scratch;                        // a directory for other files of the target
  std::set<std::string> internal_keys;        // "locale:id" of the internal articles
  std::vector<std::string> internal_titles;   // titles found only in internal articles
  std::set<std::string> public_terms;         // the terms (text::Tokenize) of the public articles' text
};

// Builds it on first use; it is removed at exit.
const BundledIndex& Bundled();

// The first term of a proposal made to a public request (did_you_mean) that
// is neither a term of what was typed nor one of a public article: a word
// that can only have come from an internal article. nullopt when there is
// none.
std::optional<std::string> NonPublicTerm(std::string_view proposal, std::string_view typed);

}  // namespace kb::fuzz

#endif  // KB_TESTS_FUZZ_BUNDLED_INDEX_H_
