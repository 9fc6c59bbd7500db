#include "indexer/corpus/synonyms.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/core.h>

#include "indexer/base/file.h"
#include "indexer/base/lines.h"
#include "indexer/base/utf8.h"

namespace kb {

namespace {

namespace fs = std::filesystem;

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

struct ParsedSynonyms {
  std::vector<SynonymGroup> groups;  // the lines without problems
  std::vector<Error> errors;         // one per line with a problem
};

// Parses every line, keeping going after a bad one.
ParsedSynonyms Parse(std::string_view text) {
  ParsedSynonyms out;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (auto bad = FindInvalidUtf8(line)) {
      out.errors.push_back(Error::InvalidArgument("invalid UTF-8", SourceLocation{"", lines.number(), bad->column}));
      continue;
    }
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    if (Trim(line).empty()) continue;
    SynonymGroup group;
    std::optional<Error> problem;
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      std::string entry = Trim(line.substr(start, comma - start));
      if (entry.empty()) {
        problem = Error::InvalidArgument("empty entry in synonym group: remove the extra comma",
                                         SourceLocation{"", lines.number(), static_cast<int>(start) + 1});
        break;
      }
      group.push_back(std::move(entry));
      start = comma + 1;
    }
    if (!problem && group.size() < 2) {
      problem = Error::InvalidArgument(
          fmt::format("synonym group '{}' has one entry: list at least two, separated by commas", group[0]),
          SourceLocation{"", lines.number(), 1});
    }
    if (problem) {
      out.errors.push_back(std::move(*problem));
    } else {
      out.groups.push_back(std::move(group));
    }
  }
  return out;
}

// <corpus_dir>/synonyms/*.txt, sorted.
std::vector<fs::path> SynonymsFiles(const std::string& corpus_dir) {
  const fs::path dir = fs::path(corpus_dir) / "synonyms";
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::vector<SynonymGroup>> ParseSynonyms(std::string_view text) {
  ParsedSynonyms parsed = Parse(text);
  if (!parsed.errors.empty()) return Fail(std::move(parsed.errors.front()));
  return std::move(parsed.groups);
}

Result<Synonyms> ReadSynonyms(const std::string& corpus_dir) {
  Synonyms out;
  for (const fs::path& f : SynonymsFiles(corpus_dir)) {
    auto text = ReadFile(f.string());
    if (!text) return Fail(text.error());
    auto groups = ParseSynonyms(*text);
    if (!groups) return Fail(groups.error().WithPath(f.string()));
    out[f.stem().string()] = std::move(*groups);
  }
  return out;
}

std::vector<Error> CheckSynonyms(const std::string& corpus_dir) {
  std::vector<Error> errors;
  for (const fs::path& f : SynonymsFiles(corpus_dir)) {
    auto text = ReadFile(f.string());
    if (!text) {
      errors.push_back(text.error());
      continue;
    }
    for (const Error& e : Parse(*text).errors) errors.push_back(e.WithPath(f.string()));
  }
  return errors;
}

}  // namespace kb
