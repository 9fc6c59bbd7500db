#include "indexer/writer/index_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <memory>
#include <sstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/schema.h"
#include "indexer/text/analyzer.h"

namespace kb {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStubName = "XAPIANDB";
constexpr std::string_view kLockName = ".lock";
constexpr std::string_view kGenPrefix = "gen-";
// Twice glass's 8 KiB default: a search reads long posting lists
// sequentially, and every block is one pread(2).
constexpr int kBlockSizeBytes = 16 * 1024;

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> Acquire(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Fail(Error::FailedPrecondition(fmt::format("cannot open lock file {}", path.string())));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Fail(Error::Unavailable(
          fmt::format("another build is writing this index (lock held on {}); try again when it finishes", path.string())));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The number of a generation directory name ("gen-000042" -> 42), or -1.
int GenerationNumber(const std::string& name) {
  if (!name.starts_with(kGenPrefix) || name.size() == kGenPrefix.size()) return -1;
  const std::string digits = name.substr(kGenPrefix.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoi(digits);
}

Result<void> SyncPath(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Fail(Error::Internal(fmt::format("cannot open {} to sync it", path.string())));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Fail(Error::Internal(fmt::format("fsync of {} failed", path.string())));
  return {};
}

// Replaces DIR/XAPIANDB so that it names `generation`, atomically and durably.
Result<void> PointStubAt(const fs::path& dir, const std::string& generation) {
  const fs::path tmp = dir / (std::string(kStubName) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "auto " << generation << "\n";
    if (!out) return Fail(Error::Internal(fmt::format("cannot write {}", tmp.string())));
  }
  if (auto r = SyncPath(tmp, false); !r) return r;
  std::error_code ec;
  fs::rename(tmp, dir / kStubName, ec);
  if (ec) return Fail(Error::Internal(fmt::format("cannot swap in {}: {}", generation, ec.message())));
  return SyncPath(dir, true);
}

// Removes generations other than the live one and the one before it, and
// the debris of builds that did not finish.
void RemoveOldGenerations(const fs::path& dir, int live, int previous) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kGenPrefix)) continue;
    const int n = GenerationNumber(name);
    if (n >= 0 && (n == live || n == previous)) continue;
    doomed.push_back(entry.path());
  }
  for (const fs::path& p : doomed) fs::remove_all(p, ec);
}


// The average field lengths, from an evenly spaced sample: exact for small
// corpora, a close estimate for large ones.
schema::FieldLengths AverageLengths(const std::vector<Article>& articles) {
  constexpr std::size_t kSample = 2000;
  schema::FieldLengths total{};
  if (articles.empty()) return total;
  const std::size_t step = std::max<std::size_t>(1, articles.size() / kSample);
  std::size_t n = 0;
  for (std::size_t i = 0; i < articles.size(); i += step, ++n) {
    const schema::FieldLengths l = schema::Lengths(articles[i]);
    for (std::size_t f = 0; f < schema::kFieldCount; ++f) total.values[f] += l.values[f];
  }
  for (double& v : total.values) v /= static_cast<double>(n);
  return total;
}

// The order in which articles get their document ids: public before
// internal, then by locale, otherwise as given. A public search excludes
// internal articles and a localised one keeps to its language; when each
// group is one run of document ids, those filters cost next to nothing.
std::vector<const Article*> InDocidOrder(const std::vector<Article>& articles) {
  std::vector<const Article*> order;
  order.reserve(articles.size());
  for (const Article& a : articles) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const Article* a, const Article* b) {
    const bool a_internal = a->audience == "internal", b_internal = b->audience == "internal";
    return std::tie(a_internal, a->locale) < std::tie(b_internal, b->locale);
  });
  return order;
}

Result<void> WriteArticles(Xapian::WritableDatabase& db, const std::vector<const Article*>& articles,
                           const std::vector<Article>& all, bool fresh) {
  std::map<std::string, std::unique_ptr<text::Analyzer>> analyzers;
  try {
    // The first write fixes the average length; later ones reuse it so that
    // every document of an index is normalised alike.
    const std::string key(schema::kMetaAverageLengths);
    schema::FieldLengths average;
    if (auto stored = schema::ParseLengths(db.get_metadata(key))) {
      average = *stored;
    } else {
      average = AverageLengths(all);
      db.set_metadata(key, schema::FormatLengths(average));
    }
    bool spelling = true;
    for (const Article* a : articles) {
      auto& analyzer = analyzers[a->locale];
      if (!analyzer) analyzer = std::make_unique<text::Analyzer>(a->locale);
      Xapian::Document doc = schema::MakeDocument(*a, *analyzer, average);
      if (spelling) {
        try {
          for (const std::string& word : schema::SpellingWords(*a)) db.add_spelling(word);
        } catch (const Xapian::UnimplementedError&) {
          spelling = false;  // the in-memory backend keeps no spelling data
        }
      }
      if (fresh) {
        db.add_document(doc);
      } else {
        db.replace_document(schema::IdTerm(a->locale, a->id), doc);
      }
    }
  } catch (const Xapian::DatabaseLockError& e) {
    return Fail(Error::Unavailable(fmt::format("index is locked by another writer: {}", e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(Error::Internal(fmt::format("cannot write index: {}", e.get_description())));
  }
  return {};
}

}  // namespace

Result<void> AddArticles(Xapian::WritableDatabase& db, const std::vector<Article>& articles, bool fresh) {
  return WriteArticles(db, InDocidOrder(articles), articles, fresh);
}

Result<void> WriteSynonyms(Xapian::WritableDatabase& db, const Synonyms& synonyms) {
  try {
    const std::string prefix(schema::kMetaSynonymsPrefix);
    try {
      std::vector<std::string> stale(db.metadata_keys_begin(prefix), db.metadata_keys_end(prefix));
      for (const std::string& key : stale) db.set_metadata(key, "");
    } catch (const Xapian::UnimplementedError&) {
      // The in-memory backend cannot list metadata; it is always new.
    }
    for (const auto& [language, groups] : synonyms) {
      const text::Analyzer analyzer(language);
      nlohmann::json out = nlohmann::json::array();
      for (const SynonymGroup& group : groups) {
        nlohmann::json entries = nlohmann::json::array();
        for (const std::string& entry : group) {
          nlohmann::json words = nlohmann::json::array();
          for (const text::Token& t : analyzer.Tokenize(entry)) words.push_back(analyzer.Stem(t.term));
          if (!words.empty()) entries.push_back(std::move(words));
        }
        if (entries.size() >= 2) out.push_back(std::move(entries));
      }
      db.set_metadata(prefix + language, out.dump());
    }
  } catch (const Xapian::Error& e) {
    return Fail(Error::Internal(fmt::format("cannot store synonyms: {}", e.get_description())));
  }
  return {};
}

Result<Xapian::WritableDatabase> BuildInMemoryIndex(const std::vector<Article>& articles, const Synonyms& synonyms) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  if (auto r = AddArticles(db, articles, /*fresh=*/true); !r) return Fail(r.error());
  if (auto r = WriteSynonyms(db, synonyms); !r) return Fail(r.error());
  return db;
}

Result<std::string> LiveGeneration(const std::string& index_dir) {
  std::ifstream in(fs::path(index_dir) / kStubName);
  if (!in) return Fail(Error::NotFound(fmt::format("no index in {}", index_dir)));
  std::string backend, generation;
  in >> backend >> generation;
  if (backend != "auto" || GenerationNumber(generation) < 0) {
    return Fail(Error::DataLoss(fmt::format("unexpected index stub in {}", index_dir)));
  }
  return generation;
}

Result<BuildStats> BuildIndex(const std::vector<Article>& articles, const std::string& index_dir,
                              const Synonyms& synonyms) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir(index_dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Fail(Error::FailedPrecondition(fmt::format("{} exists and is not a directory", index_dir)));
    }
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / kStubName, ec) && !fs::exists(dir / kLockName, ec)) {
      return Fail(Error::FailedPrecondition(
          fmt::format("{} is not empty and is not a kbsearch index directory; refusing to write there", index_dir)));
    }
  } else {
    fs::create_directories(dir, ec);
    if (ec) return Fail(Error::FailedPrecondition(fmt::format("cannot create {}: {}", index_dir, ec.message())));
  }

  auto lock = FileLock::Acquire(dir / kLockName);
  if (!lock) return Fail(lock.error());

  int live = -1;
  if (auto current = LiveGeneration(index_dir)) live = GenerationNumber(*current);
  int next = live;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    next = std::max(next, GenerationNumber(entry.path().filename().string()));
  }
  ++next;
  if (next == 0) next = 1;
  const std::string generation = fmt::format("{}{:06d}", kGenPrefix, next);
  const fs::path gen_path = dir / generation;
  fs::remove_all(gen_path, ec);  // debris of a killed build

  // Write into a scratch database, then compact it into the generation:
  // compaction merges the posting-list chunks of every flush and fills the
  // blocks, which halves the index and speeds up every search.
  const fs::path scratch = dir / (generation + ".build");
  fs::remove_all(scratch, ec);
  auto cleanup = [&] {
    fs::remove_all(scratch, ec);
    fs::remove_all(gen_path, ec);
  };
  try {
    {
      Xapian::WritableDatabase db(scratch.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS, kBlockSizeBytes);
      auto written = AddArticles(db, articles, /*fresh=*/true);
      if (written) written = WriteSynonyms(db, synonyms);
      if (!written) {
        db.close();
        cleanup();
        return Fail(written.error());
      }
      db.commit();
      db.close();
    }
    Xapian::Database(scratch.string()).compact(gen_path.string(), Xapian::Compactor::FULLER);
    fs::remove_all(scratch, ec);
  } catch (const Xapian::Error& e) {
    cleanup();
    return Fail(Error::Internal(fmt::format("cannot build index in {}: {}", gen_path.string(), e.get_description())));
  }

  if (auto r = PointStubAt(dir, generation); !r) {
    fs::remove_all(gen_path, ec);
    return Fail(r.error());
  }
  RemoveOldGenerations(dir, next, live);

  BuildStats stats;
  stats.articles = static_cast<int>(articles.size());
  stats.generation = generation;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace kb
