// JSON text to nlohmann::json, with every failure as an Error that says
// where: malformed JSON, and numbers no double can hold ("1e999"), which
// nlohmann reports as a different exception without a position.
#ifndef KB_INDEXER_BASE_JSON_H_
#define KB_INDEXER_BASE_JSON_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "indexer/base/error.h"

namespace kb {

// Parses `text` as one JSON value. Never throws. On failure the error is
// kInvalidArgument at the 1-based line and byte column where `text` stops
// being readable, and says so in its message: "invalid UTF-8 (byte 0xE9 at
// column 4)", "malformed JSON at column 22: syntax error while parsing value
// - unexpected '}'; expected ..." or "number out of range at column 9: 1e999
// does not fit in a double". Messages quote no invalid UTF-8.
Result<nlohmann::json> ParseJson(std::string_view text);

}  // namespace kb

#endif  // KB_INDEXER_BASE_JSON_H_
