#include "indexer/index_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/core.h>

#include "indexer/base/file.h"

namespace kb::index_dir {

namespace fs = std::filesystem;

Result<std::unique_ptr<FileLock>> FileLock::Acquire(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return Fail(Error::FailedPrecondition(
          fmt::format("cannot open lock file {}: {}", path.string(), std::strerror(errno))));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Fail(Error::Unavailable(
          fmt::format("another build is writing this index (lock held on {}); try again when it finishes", path.string())));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
}

FileLock::~FileLock() { ::close(fd_); }

int GenerationNumber(const std::string& name) {
  if (!name.starts_with(kGenPrefix) || name.size() == kGenPrefix.size()) return -1;
  const std::string digits = name.substr(kGenPrefix.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoi(digits);
}

Result<void> PointStubAt(const fs::path& dir, const std::string& generation) {
  return WriteFileAtomic((dir / kStubName).string(), "auto " + generation + "\n");
}

void RemoveOldGenerations(const fs::path& dir, int live, int previous) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kGenPrefix)) continue;
    const int n = GenerationNumber(name);
    if (n >= 0 && (n == live || n == previous)) continue;
    doomed.push_back(entry.path());
  }
  for (const fs::path& p : doomed) fs::remove_all(p, ec);
}

bool IsReplicaCopy(const std::string& name) {
  if (!name.starts_with(kReplicaPrefix) || name.size() == kReplicaPrefix.size()) return false;
  return std::all_of(name.begin() + static_cast<long>(kReplicaPrefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::string> LiveGeneration(const std::string& index_dir) {
  std::ifstream in(fs::path(index_dir) / kStubName);
  if (!in) return Fail(Error::NotFound(fmt::format("no index in {}", index_dir)));
  // One "auto NAME" line; xapian-replicate's stubs start with comments.
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream words(line);
    std::string backend, generation, rest;
    words >> backend >> generation >> rest;
    if (backend == "auto" && rest.empty() && (GenerationNumber(generation) >= 0 || IsReplicaCopy(generation))) {
      return generation;
    }
    break;
  }
  return Fail(Error::DataLoss(fmt::format("unexpected index stub in {}", index_dir)));
}

std::string GenerationName(int number) { return fmt::format("{}{:06d}", kGenPrefix, number); }

Result<void> PrepareForBuild(const std::string& index_dir) {
  const fs::path dir(index_dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Fail(Error::FailedPrecondition(fmt::format("{} exists and is not a directory", index_dir)));
    }
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / kStubName, ec) && !fs::exists(dir / kLockName, ec)) {
      return Fail(Error::FailedPrecondition(
          fmt::format("{} is not empty and is not a kbsearch index directory; refusing to write there", index_dir)));
    }
    return {};
  }
  fs::create_directories(dir, ec);
  if (ec) return Fail(Error::FailedPrecondition(fmt::format("cannot create {}: {}", index_dir, ec.message())));
  return {};
}

Result<void> CheckWritable(const std::string& index_dir) {
  if (::access(index_dir.c_str(), W_OK) != 0) {
    return Fail(Error::FailedPrecondition(fmt::format("{} is not writable: {}", index_dir, std::strerror(errno))));
  }
  return {};
}

int NextGeneration(const std::string& index_dir, int live) {
  int next = live;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
    next = std::max(next, GenerationNumber(entry.path().filename().string()));
  }
  return std::max(next + 1, 1);
}

}  // namespace kb::index_dir
