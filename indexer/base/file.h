// Whole-file reads with an error that names the file.
#ifndef KB_INDEXER_BASE_FILE_H_
#define KB_INDEXER_BASE_FILE_H_

#include <string>

#include "indexer/base/error.h"

namespace kb {

// The bytes of the file at `path`; kNotFound naming the path when it cannot
// be opened.
Result<std::string> ReadFile(const std::string& path);

}  // namespace kb

#endif  // KB_INDEXER_BASE_FILE_H_
