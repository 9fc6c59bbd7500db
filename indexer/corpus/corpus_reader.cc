#include "indexer/corpus/corpus_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/core.h>

#include "indexer/base/file.h"
#include "indexer/article.h"
#include "indexer/corpus/readers.h"

namespace kb {

namespace fs = std::filesystem;

namespace {

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Locale and category from corpus/<locale>/<category>/<file>.
ArticleDefaults DefaultsFor(const fs::path& root, const fs::path& file) {
  ArticleDefaults d;
  const fs::path rel = fs::relative(file, root);
  std::vector<std::string> parts;
  for (const auto& part : rel.parent_path()) parts.push_back(part.string());
  if (!parts.empty()) {
    if (auto locale = CanonicalLocale(parts[0])) d.locale = *locale;
  }
  if (parts.size() >= 2) d.category = parts[1];
  return d;
}

void ReadOne(const fs::path& root, const fs::path& file, bool title_required, Corpus& corpus) {
  const std::string display = file.string();
  auto text = ReadFile(file);
  if (!text) {
    corpus.errors.push_back(Error::InvalidArgument(text.error().message(), SourceLocation{display, 0, 0}));
    return;
  }
  ++corpus.files_read;
  ArticleDefaults defaults = DefaultsFor(root, file);
  defaults.title_required = title_required;
  ReadResult r = file.extension() == ".jsonl" ? ParseJsonlArticles(*text, defaults)
                                              : ParseMarkdownArticle(*text, defaults);
  for (Article& a : r.articles) {
    a.source.path = display;
    corpus.articles.push_back(std::move(a));
  }
  for (Error& e : r.errors) corpus.errors.push_back(e.WithPath(display));
}

void CheckDuplicates(Corpus& corpus) {
  std::map<std::pair<std::string, std::string>, const Article*> seen;
  for (const Article& a : corpus.articles) {
    auto [it, inserted] = seen.emplace(std::make_pair(a.locale, a.id), &a);
    if (inserted) continue;
    const Article& first = *it->second;
    corpus.errors.push_back(Error::InvalidArgument(
        fmt::format("duplicate id '{}' in locale '{}': also defined at {}:{}", a.id, a.locale, first.source.path,
                    first.source.line),
        a.source));
  }
}

}  // namespace

Result<Corpus> ReadCorpus(const std::string& path, bool title_required) {
  Corpus corpus;
  std::error_code ec;
  const fs::path root(path);
  if (!fs::exists(root, ec)) return Fail(Error::NotFound(fmt::format("corpus not found: {}", path)));

  if (fs::is_regular_file(root, ec)) {
    ReadOne(root.parent_path(), root, title_required, corpus);
    CheckDuplicates(corpus);
    return corpus;
  }

  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
  if (ec) return Fail(Error::NotFound(fmt::format("cannot read corpus directory {}: {}", path, ec.message())));
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (IsHidden(p)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const std::string ext = p.extension().string();
    if (ext != ".md" && ext != ".jsonl") continue;
    std::string name = p.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "readme.md") continue;
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) ReadOne(root, f, title_required, corpus);
  CheckDuplicates(corpus);
  return corpus;
}

}  // namespace kb
