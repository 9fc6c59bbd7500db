#include "indexer/base/ids.h"

#include <random>
#include <thread>

#include <fmt/core.h>

namespace kb {

std::string RandomId() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1));
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

}  // namespace kb
