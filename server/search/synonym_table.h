// The synonym groups of one language, as the index stores them (see
// schema::kMetaSynonymsPrefix), looked up by entry.
#ifndef KB_SERVER_SEARCH_SYNONYM_TABLE_H_
#define KB_SERVER_SEARCH_SYNONYM_TABLE_H_

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace kb::search {

// The synonym groups of one language, indexed by entry.
struct SynonymTable {
  // entry words joined by ' ' -> group
  std::unordered_map<std::string, std::size_t> entry_group;
  std::vector<std::vector<std::vector<std::string>>> groups;  // group -> entries -> words
  std::size_t longest = 0;                                    // most words in an entry

  static SynonymTable FromJson(const std::string& text);
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SYNONYM_TABLE_H_
