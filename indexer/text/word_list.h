// A language's list of real words, such as Debian's /usr/share/dict files
// (wamerican, wngerman): spelling correction leaves these words alone, so a
// real word the corpus happens to lack ("constrain") is not bent into a
// corpus word a few letters away ("contain").
#ifndef KB_INDEXER_TEXT_WORD_LIST_H_
#define KB_INDEXER_TEXT_WORD_LIST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb::text {

class WordList {
 public:
  // Parses a word list: one word per line, UTF-8. Words are normalised as
  // the analyzer normalises text (case, diacritics, apostrophes: "Wife's" is
  // "wifes"). Empty lines are skipped. Invalid UTF-8 is an error with its
  // line and column.
  static Result<WordList> Parse(std::string_view text);

  // Reads and parses the file at `path`; errors carry the path.
  static Result<WordList> Load(const std::string& path);

  // Whether `term`, a normalised word (text::Token::term), is on the list.
  bool Contains(std::string_view term) const;

  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }

 private:
  std::string_view At(std::size_t i) const {
    return std::string_view(words_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

  // The words, sorted and distinct, back to back; word i is
  // words_[offsets_[i], offsets_[i + 1]). A few bytes per word, where a
  // std::string each would take 32 or more.
  std::string words_;
  std::vector<std::uint32_t> offsets_;
};

// Where Debian's word-list package for `language` ("en", "de") installs its
// list under `dir` (normally /usr/share/dict), or "" when `dir` is empty or
// no package is known for the language.
std::string WordListPath(std::string_view dir, std::string_view language);

// The word list at `path`, loaded once per process and shared by every
// caller (searchers on all threads). nullptr with no error when the file
// does not exist: spelling correction then works without it. An existing
// file that cannot be parsed is an error, reported to every caller.
Result<std::shared_ptr<const WordList>> SharedWordList(const std::string& path);

}  // namespace kb::text

#endif  // KB_INDEXER_TEXT_WORD_LIST_H_
