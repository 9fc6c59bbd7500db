#include "indexer/corpus/synonyms.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "indexer/base/lines.h"
#include "indexer/base/utf8.h"

namespace kb {

namespace {

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

Result<std::vector<SynonymGroup>> ParseSynonyms(std::string_view text) {
  if (auto bad = FindInvalidUtf8(text)) {
    return Fail(Error::InvalidArgument("invalid UTF-8", SourceLocation{"", bad->line, bad->column}));
  }
  std::vector<SynonymGroup> groups;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    if (Trim(line).empty()) continue;
    SynonymGroup group;
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      std::string entry = Trim(line.substr(start, comma - start));
      if (entry.empty()) {
        return Fail(Error::InvalidArgument("empty entry in synonym group: remove the extra comma",
                                           SourceLocation{"", lines.number(), static_cast<int>(start) + 1}));
      }
      group.push_back(std::move(entry));
      start = comma + 1;
    }
    if (group.size() < 2) {
      return Fail(Error::InvalidArgument(
          fmt::format("synonym group '{}' has one entry: list at least two, separated by commas", group[0]),
          SourceLocation{"", lines.number(), 1}));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

Result<Synonyms> ReadSynonyms(const std::string& corpus_dir) {
  namespace fs = std::filesystem;
  Synonyms out;
  const fs::path dir = fs::path(corpus_dir) / "synonyms";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    auto groups = ParseSynonyms(ss.str());
    if (!groups) return Fail(groups.error().WithPath(f.string()));
    out[f.stem().string()] = std::move(*groups);
  }
  return out;
}

}  // namespace kb
