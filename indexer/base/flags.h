// Command-line flags for every kbsearch command, on CLI11 (the only file
// that includes it). A command names its flags, parses its arguments, and
// gets one of three errors, worded the same in every command:
//   unknown flag --NAME
//   flag --NAME needs a value
//   unexpected argument 'ARG'
// Flags take their value as "--name value" or "--name=value"; "--" ends the
// flags. Values are strings: each command checks its own ranges and says
// what it expected.
#ifndef KB_INDEXER_BASE_FLAGS_H_
#define KB_INDEXER_BASE_FLAGS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

class FlagParser {
 public:
  FlagParser();
  ~FlagParser();
  FlagParser(const FlagParser&) = delete;
  FlagParser& operator=(const FlagParser&) = delete;

  // --NAME VALUE. `*given`, when not null, tells whether it was given. A flag
  // given twice keeps the last value.
  FlagParser& Value(std::string_view name, std::string* out, bool* given = nullptr);
  // --NAME, a switch without a value.
  FlagParser& Switch(std::string_view name, bool* out);
  // Arguments that are not flags; without this, any is an error.
  FlagParser& Positional(std::vector<std::string>* out);

  // Parses `args` (without the program name). kInvalidArgument with one of
  // the messages above.
  Result<void> Parse(const std::vector<std::string>& args);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when `args` ask for help: "--help" or "-h" before any "--".
bool AsksForHelp(const std::vector<std::string>& args);

// `text` as a whole number from 1 to `max`, or nullopt.
std::optional<std::int64_t> ParseCount(std::string_view text, std::int64_t max = INT32_MAX);

}  // namespace kb

#endif  // KB_INDEXER_BASE_FLAGS_H_
