#include "indexer/text/word_list.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/core.h>

#include "indexer/base/file.h"
#include "indexer/base/lines.h"
#include "indexer/base/utf8.h"
#include "indexer/text/analyzer.h"

namespace kb::text {

Result<WordList> WordList::Parse(std::string_view text) {
  std::vector<std::string> words;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (auto bad = FindInvalidUtf8(line)) {
      return Fail(Error::InvalidArgument("invalid UTF-8 in word list", SourceLocation{"", lines.number(), bad->column}));
    }
    std::string word = NormalizeWord(line);
    if (!word.empty()) words.push_back(std::move(word));
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  WordList list;
  list.offsets_.reserve(words.size() + 1);
  for (const std::string& w : words) {
    list.offsets_.push_back(static_cast<std::uint32_t>(list.words_.size()));
    list.words_ += w;
  }
  list.offsets_.push_back(static_cast<std::uint32_t>(list.words_.size()));
  return list;
}

Result<WordList> WordList::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return Fail(text.error());
  auto list = Parse(*text);
  if (!list) return Fail(list.error().WithPath(path));
  return list;
}

bool WordList::Contains(std::string_view term) const {
  std::size_t lo = 0, hi = size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const int c = At(mid).compare(term);
    if (c == 0) return true;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

std::string WordListPath(std::string_view dir, std::string_view language) {
  // Debian's word-list packages and the files they install.
  static const std::map<std::string_view, std::string_view> kFiles = {
      {"en", "american-english"},  // wamerican
      {"de", "ngerman"},           // wngerman
      {"fr", "french"},            // wfrench
      {"es", "spanish"},           // wspanish
      {"it", "italian"},           // witalian
      {"pt", "portuguese"},        // wportuguese
      {"nl", "dutch"},             // wdutch
      {"sv", "swedish"},           // wswedish
      {"da", "danish"},            // wdanish
  };
  const auto it = kFiles.find(language);
  if (dir.empty() || it == kFiles.end()) return {};
  return (std::filesystem::path(dir) / it->second).string();
}

Result<std::shared_ptr<const WordList>> SharedWordList(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, Result<std::shared_ptr<const WordList>>> loaded;
  std::lock_guard lock(mu);
  auto it = loaded.find(path);
  if (it == loaded.end()) {
    Result<std::shared_ptr<const WordList>> entry = std::shared_ptr<const WordList>();
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      auto list = WordList::Load(path);
      if (list) {
        entry = std::make_shared<const WordList>(std::move(*list));
      } else {
        entry = Fail(list.error());
      }
    }
    it = loaded.emplace(path, std::move(entry)).first;
  }
  return it->second;
}

}  // namespace kb::text
