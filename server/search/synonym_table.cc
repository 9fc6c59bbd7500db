#include "server/search/synonym_table.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kb::search {

SynonymTable SynonymTable::FromJson(const std::string& text) {
  SynonymTable t;
  const nlohmann::json groups = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!groups.is_array()) return t;
  for (const auto& g : groups) {
    std::vector<std::vector<std::string>> entries;
    for (const auto& e : g) {
      std::vector<std::string> words = e.get<std::vector<std::string>>();
      std::string key;
      for (const std::string& w : words) key += (key.empty() ? "" : " ") + w;
      t.entry_group.emplace(key, t.groups.size());
      t.longest = std::max(t.longest, words.size());
      entries.push_back(std::move(words));
    }
    t.groups.push_back(std::move(entries));
  }
  return t;
}

}  // namespace kb::search
