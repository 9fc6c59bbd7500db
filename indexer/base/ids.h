// Random identifiers. Thread-safe: each thread draws from its own generator.
#ifndef KB_INDEXER_BASE_IDS_H_
#define KB_INDEXER_BASE_IDS_H_

#include <cstdint>
#include <string>

namespace kb {

// `bytes` random bytes as 2 * `bytes` lower-case hex digits.
std::string RandomHex(int bytes);

// A random 32-hex-digit id.
std::string RandomId();

// A 32-hex-digit id whose first 12 digits are `now_ms`, so that ids made
// later sort later; the other 20 are random.
std::string TimeOrderedId(std::int64_t now_ms);

}  // namespace kb

#endif  // KB_INDEXER_BASE_IDS_H_
