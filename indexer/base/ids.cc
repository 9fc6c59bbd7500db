#include "indexer/base/ids.h"

#include <random>
#include <thread>

#include <fmt/core.h>

namespace kb {

namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1));
  return rng;
}

}  // namespace

std::string RandomHex(int bytes) {
  std::string out;
  while (static_cast<int>(out.size()) < 2 * bytes) out += fmt::format("{:016x}", Rng()());
  out.resize(static_cast<std::size_t>(2 * bytes));
  return out;
}

std::string RandomId() { return RandomHex(16); }

std::string TimeOrderedId(std::int64_t now_ms) {
  return fmt::format("{:012x}{}", static_cast<std::uint64_t>(now_ms) & 0xffffffffffffULL, RandomHex(10));
}

}  // namespace kb
