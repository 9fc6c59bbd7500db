// Small helpers over md4c's parse results, shared by the indexer's Markdown
// reader and the server's HTML renderer.
#ifndef KB_INDEXER_CORPUS_MD4C_TEXT_H_
#define KB_INDEXER_CORPUS_MD4C_TEXT_H_

#include <string>
#include <string_view>

#include <md4c.h>

namespace kb {

// Markdown as md4c is given it. md4c 0.4 (Debian 12's) reads a few bytes
// past the end of its input on some inputs (md4c 0.5 fixed those reads), so
// a body written at the end of a page of memory could crash a build or the
// server, and what it read past the end could change what it parses. md4c
// parses a copy instead, followed by kPadding NUL bytes: reads past the end
// stay inside the copy and always see the same bytes.
class PaddedMarkdown {
 public:
  static constexpr std::size_t kPadding = 64;

  explicit PaddedMarkdown(std::string_view markdown) : size_(markdown.size()) {
    buffer_.reserve(size_ + kPadding);
    buffer_.append(markdown).append(kPadding, '\0');
  }

  // The copy md4c parses; pointers md4c passes to callbacks point into it.
  std::string_view text() const { return std::string_view(buffer_).substr(0, size_); }

  int Parse(const MD_PARSER& parser, void* user) const {
    return md_parse(buffer_.data(), static_cast<MD_SIZE>(size_), &parser, user);
  }

 private:
  std::string buffer_;
  std::size_t size_;
};

// The text of an attribute (a link's href, an image's src) with md4c's
// entity and escape parts resolved; entities other than the four XML ones
// are kept as written.
std::string AttributeText(const MD_ATTRIBUTE& a);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_MD4C_TEXT_H_
