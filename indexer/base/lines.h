// Reads text line by line, numbering lines from 1. Lines come without their
// "\n" or a trailing "\r".
#ifndef KB_INDEXER_BASE_LINES_H_
#define KB_INDEXER_BASE_LINES_H_

#include <string_view>

namespace kb {

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // Sets `line` to the next line and returns true, or returns false at the
  // end of the text.
  bool Next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t eol = text_.find('\n', pos_);
    if (eol == std::string_view::npos) eol = text_.size();
    line = text_.substr(pos_, eol - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = eol + 1;
    ++number_;
    return true;
  }

  // The number of the line Next returned last.
  int number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int number_ = 0;
};

}  // namespace kb

#endif  // KB_INDEXER_BASE_LINES_H_
