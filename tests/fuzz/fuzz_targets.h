// The fuzz targets: each takes one input and runs it through a parser or a
// request path of kbsearch, checking what must hold for any input (errors
// name a line, answers are valid JSON and UTF-8, nothing internal reaches a
// public request, what the importer writes reads back).
//
// Each target is built as a libFuzzer executable (fuzz_main.cc, with
// -DKB_FUZZ=ON) and replayed over its seed corpus and its regressions by a
// plain test of the normal suite (fuzz_replay_test.cc), so an input
// that once failed keeps being run by every build.
#ifndef KB_TESTS_FUZZ_FUZZ_TARGETS_H_
#define KB_TESTS_FUZZ_FUZZ_TARGETS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/guarded_copy.h"

namespace kb::fuzz {

struct FuzzTarget {
  std::string_view name;  // also the folder of its inputs: tests/fuzz/<name>/
  void (*run)(std::string_view input);
  std::size_t max_len;  // the longest input worth mutating (-max_len)
};

// Every target, in the order scripts/fuzz runs them.
const std::vector<FuzzTarget>& Targets();

// What a target does when an invariant does not hold. Default: print what
// failed and abort() (libFuzzer reports it as a crash and saves the input).
// The replay test throws instead, to fail only that input.
using FailureHandler = std::function<void(const std::string& message)>;
void SetFailureHandler(FailureHandler handler);

// Fails the target with `message` unless `ok`.
void Check(bool ok, std::string_view message);
[[noreturn]] void Fail(std::string_view message);

// Whether `text` is valid UTF-8.
bool IsUtf8(std::string_view text);

// The number of lines of `text` (a last line without '\n' counts).
int LineCount(std::string_view text);

// A path in the source tree.
std::string SourcePath(std::string_view relative);


// The targets (one file each).
void FuzzMarkdownReader(std::string_view input);
void FuzzJsonlReader(std::string_view input);
void FuzzZendeskExport(std::string_view input);
void FuzzZendeskHtml(std::string_view input);
void FuzzWordLists(std::string_view input);
void FuzzEventBatch(std::string_view input);
void FuzzTomlConfig(std::string_view input);
void FuzzQuery(std::string_view input);
void FuzzHttpApi(std::string_view input);
void FuzzRequestHead(std::string_view input);
void FuzzMarkdownHtml(std::string_view input);

}  // namespace kb::fuzz

#endif  // KB_TESTS_FUZZ_FUZZ_TARGETS_H_
