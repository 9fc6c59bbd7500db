// Random identifiers.
#ifndef KB_INDEXER_BASE_IDS_H_
#define KB_INDEXER_BASE_IDS_H_

#include <string>

namespace kb {

// A random 32-hex-digit id.
std::string RandomId();

}  // namespace kb

#endif  // KB_INDEXER_BASE_IDS_H_
