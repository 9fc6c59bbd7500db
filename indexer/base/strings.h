// Small string helpers.
#ifndef KB_INDEXER_BASE_STRINGS_H_
#define KB_INDEXER_BASE_STRINGS_H_

#include <string_view>

namespace kb {

// True when `s` holds only ASCII white space (or nothing).
inline bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

}  // namespace kb

#endif  // KB_INDEXER_BASE_STRINGS_H_
