#include "server/learning/promote.h"

#include <algorithm>
#include <filesystem>

#include <fmt/core.h>

#include "indexer/base/file.h"
#include "indexer/corpus/corpus_reader.h"

namespace kb::learning {

namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

bool IsItem(const std::string& line) {
  const std::size_t first = line.find_first_not_of(' ');
  return first != std::string::npos && first > 0 && line.compare(first, 2, "- ") == 0;
}

// The unified diff of `path` that replaces lines [at, at + removed) of
// `lines` (0-based) with `added`, with three lines of context.
std::string Diff(const std::string& path, const std::vector<std::string>& lines, std::size_t at, std::size_t removed,
                 const std::vector<std::string>& added) {
  const std::size_t from = at >= 3 ? at - 3 : 0;
  const std::size_t to = std::min(lines.size(), at + removed + 3);
  const std::size_t old_count = to - from;
  std::string out = fmt::format("--- a/{0}\n+++ b/{0}\n@@ -{1},{2} +{1},{3} @@\n", path, from + 1, old_count,
                                old_count - removed + added.size());
  for (std::size_t i = from; i < at; ++i) out += " " + lines[i] + "\n";
  for (std::size_t i = at; i < at + removed; ++i) out += "-" + lines[i] + "\n";
  for (const std::string& a : added) out += "+" + a + "\n";
  for (std::size_t i = at + removed; i < to; ++i) out += " " + lines[i] + "\n";
  return out;
}

// The diff that adds `question` to the front matter of the Markdown
// source `lines`, or "" when it has none this can edit.
std::string FrontMatterDiff(const std::string& path, const std::vector<std::string>& lines, const std::string& question) {
  if (lines.empty() || lines[0] != "---") return "";
  std::size_t close = 1;
  while (close < lines.size() && lines[close] != "---") ++close;
  if (close == lines.size()) return "";
  const std::string item = YamlScalar(question);
  for (std::size_t i = 1; i < close; ++i) {
    if (!lines[i].starts_with("questions:")) continue;
    std::string rest = lines[i].substr(10);
    rest.erase(0, rest.find_first_not_of(' '));
    if (rest.empty()) {  // a block list: a new item after the last
      std::size_t last = i;
      std::string indent = "  ";
      while (last + 1 < close && IsItem(lines[last + 1])) {
        ++last;
        indent = lines[last].substr(0, lines[last].find('-'));
      }
      return Diff(path, lines, last + 1, 0, {indent + "- " + item});
    }
    if (rest.front() == '[' && rest.back() == ']') {  // a flow list: one more entry
      const std::string inside = rest.substr(1, rest.size() - 2);
      const bool empty = inside.find_first_not_of(' ') == std::string::npos;
      return Diff(path, lines, i, 1, {fmt::format("questions: [{}{}]", empty ? "" : inside + ", ", item)});
    }
    return "";
  }
  return Diff(path, lines, close, 0, {"questions:", "  - " + item});
}

}  // namespace

std::string YamlScalar(const std::string& text) {
  static const std::vector<std::string> kWords = {"true", "false", "yes", "no", "on", "off", "null", "~"};
  const unsigned char first = text.empty() ? 0 : static_cast<unsigned char>(text.front());
  const bool plain = !text.empty() && (std::isalnum(first) || first >= 0x80) && text.back() != ' ' &&
                     text.find_first_of("[]{},\"'`|>&*!%@#:\\\t\n\r") == std::string::npos &&
                     std::find(kWords.begin(), kWords.end(), Lower(text)) == kWords.end();
  if (plain) return text;
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

Result<QuestionChange> AddQuestion(const std::string& corpus_dir, const std::string& article_id,
                                   const std::string& locale, const std::string& question) {
  if (question.find_first_not_of(' ') == std::string::npos) return Fail(Error::InvalidArgument("'text' is empty"));
  auto corpus = ReadCorpus(corpus_dir, /*title_required=*/false);
  if (!corpus) return Fail(Error::FailedPrecondition(fmt::format("cannot read the corpus: {}", corpus.error().message())));
  std::vector<const Article*> found;
  for (const Article& a : corpus->articles) {
    if (a.id == article_id && (locale.empty() || a.locale == locale)) found.push_back(&a);
  }
  if (found.empty()) {
    return Fail(Error::NotFound(locale.empty() ? fmt::format("no article '{}' in the corpus", article_id)
                                               : fmt::format("no article '{}' in locale '{}' in the corpus", article_id, locale)));
  }
  if (found.size() > 1) {
    return Fail(Error::NotFound(fmt::format("article '{}' is in several locales: name one with 'locale'", article_id)));
  }
  const Article& a = *found.front();
  for (const std::string& q : a.questions) {
    if (Lower(q) == Lower(question)) {
      return Fail(Error::FailedPrecondition(fmt::format("article '{}' already has the question '{}'", article_id, q)));
    }
  }
  QuestionChange change;
  std::error_code ec;
  const fs::path relative = fs::relative(a.source.path, corpus_dir, ec);
  change.path = ec || relative.empty() ? a.source.path : relative.generic_string();
  change.line = a.source.line;
  change.questions = a.questions;
  change.questions.push_back(question);
  if (a.source.path.ends_with(".md")) {
    auto text = ReadFile(a.source.path);
    if (!text) return Fail(Error::FailedPrecondition(text.error().message()));
    change.diff = FrontMatterDiff(change.path, Lines(*text), question);
  }
  return change;
}

}  // namespace kb::learning
