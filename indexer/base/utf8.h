// UTF-8 validation that says where the first bad byte is.
#ifndef KB_INDEXER_BASE_UTF8_H_
#define KB_INDEXER_BASE_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kb {

struct Utf8Problem {
  std::size_t offset = 0;  // byte offset of the first invalid byte
  int line = 1;            // 1-based line of that byte
  int column = 1;          // 1-based byte column of that byte
};

// Returns the first invalid UTF-8 sequence in `text` (overlong forms,
// surrogates and code points above U+10FFFF count as invalid), or nullopt
// when the whole text is valid.
std::optional<Utf8Problem> FindInvalidUtf8(std::string_view text);

// `text` with each byte that is not part of a valid sequence replaced by
// U+FFFD: for text a library made, such as an error message that quotes
// part of a multi-byte character, before it is shown or put in JSON.
std::string ToValidUtf8(std::string_view text);

// "invalid UTF-8 (byte 0xE9 at column 4)": `bad`, a problem FindInvalidUtf8
// found in `text`, as the readers report it.
std::string InvalidUtf8Message(std::string_view text, const Utf8Problem& bad);

// The number of code points in `text` (valid UTF-8): the bytes that do not
// continue a sequence.
inline std::size_t Utf8Length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// The code points of `text`; each byte of an invalid sequence becomes
// U+FFFD.
std::u32string DecodeUtf8(std::string_view text);

// Appends code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace kb

#endif  // KB_INDEXER_BASE_UTF8_H_
