#include "indexer/base/file.h"

#include <fstream>
#include <sstream>

#include <fmt/core.h>

namespace kb {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::NotFound(fmt::format("cannot read {}", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace kb
