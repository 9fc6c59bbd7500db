// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash, for values that
// must not be reversible by whoever lacks the key, such as a hashed client
// address.
#ifndef KB_INDEXER_BASE_SIPHASH_H_
#define KB_INDEXER_BASE_SIPHASH_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace kb {

using SipKey = std::array<std::uint8_t, 16>;

// SipHash-2-4 of `data` under `key`, as the reference implementation
// computes it (the 16 key bytes and the message read little-endian).
std::uint64_t SipHash24(const SipKey& key, std::string_view data);

}  // namespace kb

#endif  // KB_INDEXER_BASE_SIPHASH_H_
