#include "bench/eval/dataset.h"

#include <charconv>
#include <filesystem>

#include <fmt/core.h>

#include "indexer/base/file.h"
#include "indexer/base/lines.h"
#include "indexer/article.h"

namespace kb::eval {

namespace {

// Calls `on_line(fields, line_number)` for each non-blank line after the
// header; stops at the first error it returns.
template <typename F>
Result<void> ForEachRow(std::string_view tsv, F on_line) {
  LineReader lines(tsv);
  std::string_view l;
  while (lines.Next(l)) {
    const int line = lines.number();
    if (line == 1 || l.empty()) continue;  // header
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = l.find('\t', start)) != std::string_view::npos; start = tab + 1) {
      fields.push_back(l.substr(start, tab - start));
    }
    fields.push_back(l.substr(start));
    if (auto r = on_line(fields, line); !r) return r;
  }
  return {};
}

}  // namespace

Result<std::vector<Query>> ParseQueries(std::string_view tsv) {
  std::vector<Query> queries;
  auto r = ForEachRow(tsv, [&](const std::vector<std::string_view>& f, int line) -> Result<void> {
    if (f.size() < 2 || f[0].empty()) {
      return Fail(Error::InvalidArgument("expected 'qid<TAB>text'", SourceLocation{"", line, 1}));
    }
    Query q{std::string(f[0]), std::string(f[1]), ""};
    if (f.size() >= 3 && !f[2].empty()) {
      auto locale = CanonicalLocale(f[2]);
      if (!locale) {
        return Fail(Error::InvalidArgument(fmt::format("locale must be a BCP 47 tag such as 'de' or 'ja', found '{}'", f[2]),
                                           SourceLocation{"", line, 0}));
      }
      q.locale = *locale;
    }
    queries.push_back(std::move(q));
    return {};
  });
  if (!r) return Fail(r.error());
  return queries;
}

Result<Qrels> ParseQrels(std::string_view tsv) {
  Qrels qrels;
  auto r = ForEachRow(tsv, [&](const std::vector<std::string_view>& f, int line) -> Result<void> {
    if (f.size() < 3) {
      return Fail(Error::InvalidArgument("expected 'query-id<TAB>corpus-id<TAB>score'", SourceLocation{"", line, 1}));
    }
    int score = 0;
    auto [ptr, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), score);
    if (ec != std::errc() || ptr != f[2].data() + f[2].size()) {
      return Fail(Error::InvalidArgument(fmt::format("score must be an integer, found '{}'", f[2]),
                                         SourceLocation{"", line, 0}));
    }
    qrels[std::string(f[0])][std::string(f[1])] = score;
    return {};
  });
  if (!r) return Fail(r.error());
  return qrels;
}

Result<Dataset> LoadDataset(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path root(dir);
  Dataset d;
  d.name = fs::absolute(root).lexically_normal().filename().string();
  if (d.name.empty()) d.name = fs::absolute(root).lexically_normal().parent_path().filename().string();
  d.corpus_path = (root / "corpus.jsonl").string();
  if (!fs::exists(d.corpus_path) && fs::is_directory(root / "corpus")) d.corpus_path = (root / "corpus").string();
  if (!fs::exists(d.corpus_path)) return Fail(Error::NotFound(fmt::format("no corpus.jsonl in {}", dir)));

  const fs::path qpath = root / "queries.tsv";
  auto read_queries = [](const fs::path& path) -> Result<std::vector<Query>> {
    auto text = ReadFile(path.string());
    if (!text) return Fail(text.error());
    auto parsed = ParseQueries(*text);
    if (!parsed) return Fail(parsed.error().WithPath(path.string()));
    return parsed;
  };
  auto read_qrels = [](const fs::path& path) -> Result<Qrels> {
    auto text = ReadFile(path.string());
    if (!text) return Fail(text.error());
    auto parsed = ParseQrels(*text);
    if (!parsed) return Fail(parsed.error().WithPath(path.string()));
    return parsed;
  };
  auto queries = read_queries(qpath);
  if (!queries) return Fail(queries.error());
  d.queries = std::move(*queries);
  auto qrels = read_qrels(root / "qrels.tsv");
  if (!qrels) return Fail(qrels.error());
  d.qrels = std::move(*qrels);

  const fs::path hpath = root / "history.tsv", hrpath = root / "history-qrels.tsv";
  if (fs::exists(hpath) != fs::exists(hrpath)) {
    return Fail(Error::NotFound(fmt::format("{} has {} but not {}", dir, fs::exists(hpath) ? "history.tsv" : "history-qrels.tsv",
                                            fs::exists(hpath) ? "history-qrels.tsv" : "history.tsv")));
  }
  if (fs::exists(hpath)) {
    auto history = read_queries(hpath);
    if (!history) return Fail(history.error());
    auto history_qrels = read_qrels(hrpath);
    if (!history_qrels) return Fail(history_qrels.error());
    d.history = std::move(*history);
    d.history_qrels = std::move(*history_qrels);
    d.has_history = true;
  }
  return d;
}

}  // namespace kb::eval
