// Whole-file reads and atomic whole-file writes, with errors that name the
// file.
#ifndef KB_INDEXER_BASE_FILE_H_
#define KB_INDEXER_BASE_FILE_H_

#include <string>
#include <string_view>

#include "indexer/base/error.h"

namespace kb {

// The bytes of the file at `path`. kInvalidArgument when it is a directory,
// kNotFound ("cannot read PATH: reason") when it cannot be opened.
Result<std::string> ReadFile(const std::string& path);

struct WriteOptions {
  // fsync the file before it replaces the old one, and its directory after,
  // so the new content survives a crash. Default: true.
  bool durable = true;
};

// Replaces the file at `path` with `content` atomically: a reader sees the
// old file or the new one, never half of either. The parent directory is
// created when missing. kFailedPrecondition ("cannot write PATH: reason")
// on failure, with the old file left as it was.
Result<void> WriteFileAtomic(const std::string& path, std::string_view content, const WriteOptions& options = {});

}  // namespace kb

#endif  // KB_INDEXER_BASE_FILE_H_
