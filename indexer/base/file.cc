#include "indexer/base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

namespace kb {

namespace fs = std::filesystem;

namespace {

// fsyncs the file or directory at `path`; false with errno set on failure.
bool Sync(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return rc == 0;
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Fail(Error::InvalidArgument(fmt::format("{} is a directory", path)));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::NotFound(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> WriteFileAtomic(const std::string& path, std::string_view content, const WriteOptions& options) {
  const fs::path target(path);
  auto fail = [&](const std::string& why) {
    return Fail(Error::FailedPrecondition(fmt::format("cannot write {}: {}", path, why)));
  };
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ec.message());
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return fail(std::strerror(errno));
    }
  }
  if (options.durable && !Sync(tmp, false)) {
    const std::string why = std::strerror(errno);
    fs::remove(tmp, ec);
    return fail(why);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    return fail(why);
  }
  if (options.durable && !Sync(dir, true)) return fail(std::strerror(errno));
  return {};
}

}  // namespace kb
