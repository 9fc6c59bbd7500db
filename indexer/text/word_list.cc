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
  // Every word back to back first, then sorted and deduplicated into the
  // list: a few allocations in all, not one per word (a list has 100,000
  // to 400,000 words, and a server keeps what its allocator once held).
  std::string all;
  all.reserve(text.size());
  std::vector<std::uint32_t> starts;
  starts.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 2);
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (auto bad = FindInvalidUtf8(line)) {
      return Fail(Error::InvalidArgument("invalid UTF-8 in word list", SourceLocation{"", lines.number(), bad->column}));
    }
    starts.push_back(static_cast<std::uint32_t>(all.size()));
    const bool ascii_word = std::all_of(line.begin(), line.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'';
    });
    if (ascii_word) {
      // What NormalizeWord makes of it, without ICU: lower case, no apostrophes.
      for (char c : line) {
        if (c != '\'') all += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
    } else {
      all += NormalizeWord(line);
    }
    if (all.size() == starts.back()) starts.pop_back();  // an empty line
  }
  starts.push_back(static_cast<std::uint32_t>(all.size()));
  auto word = [&](std::size_t i) { return std::string_view(all).substr(starts[i], starts[i + 1] - starts[i]); };
  std::vector<std::uint32_t> order(starts.size() - 1);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return word(a) < word(b); });
  WordList list;
  list.words_.reserve(all.size());
  list.offsets_.reserve(order.size() + 1);
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && word(order[k]) == word(order[k - 1])) continue;
    list.offsets_.push_back(static_cast<std::uint32_t>(list.words_.size()));
    list.words_ += word(order[k]);
  }
  list.offsets_.push_back(static_cast<std::uint32_t>(list.words_.size()));
  list.words_.shrink_to_fit();
  list.offsets_.shrink_to_fit();
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
