// Small string helpers.
#ifndef KB_INDEXER_BASE_STRINGS_H_
#define KB_INDEXER_BASE_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace kb {

// True when `s` holds only ASCII white space (or nothing).
inline bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

// `s` without the ASCII white space at its ends.
inline std::string_view TrimBlanks(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n\f\v") - first + 1);
}

// Equal but for the case of ASCII letters, as HTTP header names compare.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// `s` with every occurrence of `from` (not empty) replaced by `to`.
inline std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace kb

#endif  // KB_INDEXER_BASE_STRINGS_H_
