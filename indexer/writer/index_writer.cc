#include "indexer/writer/index_writer.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>
#include <memory>
#include <sstream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/caught.h"
#include "indexer/base/time.h"
#include "indexer/index_dir.h"
#include "indexer/document.h"
#include "indexer/schema.h"
#include "indexer/text/analyzer.h"
#include "indexer/xapian_error.h"

namespace kb {

namespace fs = std::filesystem;

using index_dir::FileLock;
using index_dir::GenerationNumber;
using index_dir::kLockName;
using index_dir::LiveGeneration;
using index_dir::PointStubAt;
using index_dir::RemoveOldGenerations;

// One shard of N: the articles whose place in the docid order is k modulo
// n. {0, 1} is the whole index.
// A sharded index keeps the spelling data of all its articles in one more
// database, its lexicon, which holds no documents and is searched first:
// spelling data is not read from the remote databases xapian-tcpsrv
// serves, nor merged across several.
struct ShardOf {
  std::size_t k = 0, n = 1;
  bool lexicon = false;
};

// BuildIndex and UpdateIndex for `articles` exactly as given, learned
// phrasings included; BuildIndexAs writes only `shard` of them, normalised
// and ordered as in the whole index.
Result<BuildStats> BuildIndexAs(const std::vector<Article>& articles, const std::string& index_dir,
                                const Synonyms& synonyms, const BuildOptions& options, ShardOf shard = {});
Result<BuildStats> UpdateIndexAs(const std::vector<Article>& articles, const std::string& index_dir,
                                 const Synonyms& synonyms, const BuildOptions& options);

namespace {

// Twice glass's 8 KiB default: a search reads long posting lists
// sequentially, and every block is one pread(2).
constexpr int kBlockSizeBytes = 16 * 1024;
// A full build writes up to this many shards at once, none smaller than
// kMinShardArticles (small corpora are not worth a thread).
constexpr std::size_t kMaxShards = 4;
constexpr std::size_t kMinShardArticles = 1000;
// Documents Xapian buffers before it flushes (its default is 10,000). Small
// batches keep the inverter's in-memory maps small enough to stay in the CPU
// caches: a full build takes a third less time than with 100,000. The extra posting
// chunks they leave are merged when the shards are compacted.
constexpr const char* kFlushThreshold = "2000";


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
    const bool a_internal = a->audience == ArticleAudience::kInternal;
    const bool b_internal = b->audience == ArticleAudience::kInternal;
    return std::tie(a_internal, a->locale) < std::tie(b_internal, b->locale);
  });
  return order;
}

// Language -> the stems of its multi-word synonyms: the words whose
// positions documents keep, so that phrases of them can match.
using PhraseWordsByLanguage = std::map<std::string, schema::PhraseWords>;

PhraseWordsByLanguage PhraseWordsOf(const Synonyms& synonyms) {
  PhraseWordsByLanguage out;
  for (const auto& [language, groups] : synonyms) {
    const text::Analyzer analyzer(language);
    schema::PhraseWords& words = out[language];
    for (const SynonymGroup& group : groups) {
      for (const std::string& entry : group) {
        const std::vector<text::Token> tokens = analyzer.Tokenize(entry);
        if (tokens.size() < 2) continue;
        for (const text::Token& t : tokens) words.insert(analyzer.Stem(t.term));
      }
    }
  }
  return out;
}

// The phrase words as stored in the index metadata: "lang:stem ..." sorted.
std::string Fingerprint(const PhraseWordsByLanguage& words) {
  std::vector<std::string> all;
  for (const auto& [language, stems] : words) {
    for (const std::string& s : stems) all.push_back(language + ":" + s);
  }
  std::sort(all.begin(), all.end());
  std::string out;
  for (const std::string& w : all) out.append(out.empty() ? "" : " ").append(w);
  return out;
}

constexpr std::string_view kMetaPhraseWords = "kb:phrase_words";

// Records which generation was written, and when (schema::kMetaGeneration).
void Stamp(Xapian::WritableDatabase& db, const std::string& generation, std::int64_t now_ms) {
  db.set_metadata(std::string(schema::kMetaGeneration), generation);
  db.set_metadata(std::string(schema::kMetaBuiltMs), std::to_string(now_ms));
}

// How the words of articles feed the spelling data: straight into the
// database, or counted first and added once per word (much faster for a
// whole build).
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

// A sharded index's term statistics, counted as its lexicon is written
// (schema::kMetaTermStats).
using TermCounts = std::unordered_map<std::string, schema::TermStats>;

// What the lexicon of a sharded index keeps of the articles it does not
// hold as documents: each one's page (schema::kMetaPages), under the docid
// it has in the whole index, and the term statistics.
struct LexiconWrite {
  Xapian::docid first_docid = 1;  // of the first article written
  TermCounts* term_counts = nullptr;
};

Result<void> WriteArticles(Xapian::WritableDatabase& db, const std::vector<const Article*>& articles,
                           const std::vector<Article>& all, bool fresh, const ProgressFn& progress = {},
                           const PhraseWordsByLanguage* phrase_words = nullptr, SpellingCounts* spelling_counts = nullptr,
                           LexiconWrite* lexicon = nullptr) {
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
    db.set_metadata(std::string(schema::kMetaSchemaVersion), std::string(schema::kSchemaVersion));
    if (phrase_words != nullptr) db.set_metadata(std::string(kMetaPhraseWords), Fingerprint(*phrase_words));
    static const schema::PhraseWords kNone;
    bool spelling = true;
    std::size_t done = 0;
    Xapian::docid next_docid = lexicon != nullptr ? lexicon->first_docid : 0;  // the lexicon's pages
    for (const Article* a : articles) {
      if (progress && (++done % 256 == 0 || done == articles.size())) progress(done, articles.size());
      auto& analyzer = analyzers[a->locale];
      if (!analyzer) analyzer = std::make_unique<text::Analyzer>(a->locale);
      const schema::PhraseWords* positional = nullptr;  // all positions
      if (phrase_words != nullptr) {
        auto it = phrase_words->find(text::LanguageOf(a->locale));
        positional = it == phrase_words->end() ? &kNone : &it->second;
      }
      std::vector<std::string> words;
      Xapian::Document doc = schema::MakeDocument(*a, *analyzer, average, positional, &words);
      if (a->audience != ArticleAudience::kPublic) {
        std::vector<std::string> internal;
        for (const std::string& word : words) {
          if (std::string entry = schema::SpellingEntry(word, a->audience); !entry.empty()) {
            internal.push_back(std::move(entry));
          }
        }
        words = std::move(internal);
      }
      if (spelling_counts != nullptr) {
        for (std::string& word : words) ++(*spelling_counts)[std::move(word)];
      } else if (spelling) {
        try {
          for (const std::string& word : words) db.add_spelling(word);
        } catch (const Xapian::UnimplementedError&) {
          spelling = false;  // the in-memory backend keeps no spelling data
        }
      }
      if (lexicon != nullptr) {
        // the lexicon of a sharded index: no document, but its page, and
        // the statistics of its terms
        db.set_metadata(schema::PageKey(next_docid++), schema::PageOf(doc));
        const bool visible = a->audience == ArticleAudience::kPublic;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
          std::string term = *t;
          if (term.starts_with(schema::kId)) continue;
          schema::TermStats& counts = (*lexicon->term_counts)[std::move(term)];
          ++counts.all;
          if (visible) ++counts.visible;
        }
      } else if (fresh) {
        db.add_document(doc);
      } else {
        db.replace_document(schema::IdTerm(a->locale, a->id), doc);
      }
    }
  } catch (const Xapian::DatabaseLockError& e) {
    return Fail(Error::Unavailable(fmt::format("index is locked by another writer: {}", e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, "cannot write index"));
  } catch (...) {
    return Fail(CaughtError("cannot write index"));
  }
  return {};
}

}  // namespace

Result<void> AddArticles(Xapian::WritableDatabase& db, const std::vector<Article>& articles, bool fresh) {
  return WriteArticles(db, InDocidOrder(articles), articles, fresh);
}

namespace {

// What an index holds, by article key: its document and content hash.
struct Stored {
  Xapian::docid docid;
  std::string hash;
};

std::unordered_map<std::string, Stored> StoredArticles(const Xapian::Database& db) {
  std::unordered_map<std::string, Stored> out;
  for (auto it = db.valuestream_begin(schema::kSlotHash); it != db.valuestream_end(schema::kSlotHash); ++it) {
    const std::string value = *it;
    const std::size_t space = value.find(' ');
    if (space == std::string::npos) continue;
    out[value.substr(space + 1)] = Stored{it.get_docid(), value.substr(0, space)};
  }
  return out;
}

// Removes the spelling data the stored document `docid` contributed.
void ForgetSpelling(Xapian::WritableDatabase& db, Xapian::docid docid) {
  const Article old = schema::StoredArticle(db.get_document(docid), schema::StoredParts::kAll);
  for (const std::string& word : schema::SpellingWords(old)) {
    if (std::string entry = schema::SpellingEntry(word, old.audience); !entry.empty()) db.remove_spelling(entry);
  }
}

}  // namespace

Result<BuildStats> UpdateIndexAs(const std::vector<Article>& articles, const std::string& index_dir,
                                 const Synonyms& synonyms, const BuildOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto full = [&]() -> Result<BuildStats> {
    auto stats = BuildIndexAs(articles, index_dir, synonyms, options);
    if (stats) stats->added = stats->articles;
    return stats;
  };
  if (options.full) return full();
  auto live = LiveGeneration(index_dir);
  if (!live) return full();
  const fs::path dir(index_dir);
  auto lock = FileLock::Acquire(dir / kLockName);
  if (!lock) return Fail(lock.error());
  if (auto again = LiveGeneration(index_dir); !again || *again != *live) {
    return Fail(Error::Unavailable("another build swapped the index in meanwhile; try again"));
  }

  BuildStats stats;
  stats.generation = *live;
  stats.articles = static_cast<int>(articles.size());
  try {
    // The live generation is updated in place: Xapian commits are atomic,
    // so readers and a killed writer see the old revision or the new one.
    Xapian::WritableDatabase db((dir / *live).string(), Xapian::DB_OPEN);
    const PhraseWordsByLanguage phrase_words = PhraseWordsOf(synonyms);
    // Another schema, or phrase synonyms whose words unchanged documents
    // kept no positions for: only a new generation will do.
    if (db.get_metadata(std::string(schema::kMetaSchemaVersion)) != schema::kSchemaVersion ||
        db.get_metadata(std::string(kMetaPhraseWords)) != Fingerprint(phrase_words)) {
      db.close();
      lock->reset();
      return full();
    }
    const std::unordered_map<std::string, Stored> stored = StoredArticles(db);
    // One transaction: Xapian commits by itself every few thousand changes
    // otherwise, and when a database that has pending changes is closed, so
    // an update that fails half-way would be half written. A transaction is
    // cancelled instead (by the destructor, on any early return).
    db.begin_transaction(/*flushed=*/true);
    std::unordered_set<std::string> seen;
    std::vector<Article> changed;
    for (const Article& a : articles) {
      std::string key = schema::ArticleKey(a.locale, a.id);
      auto it = stored.find(key);
      seen.insert(std::move(key));
      if (it == stored.end()) {
        ++stats.added;
        changed.push_back(a);
      } else if (it->second.hash != fmt::format("{:016x}", schema::ArticleHash(a))) {
        ++stats.updated;
        ForgetSpelling(db, it->second.docid);
        changed.push_back(a);
      } else {
        ++stats.unchanged;
      }
    }
    for (const auto& [key, s] : stored) {
      if (seen.contains(key)) continue;
      ++stats.deleted;
      ForgetSpelling(db, s.docid);
      db.delete_document(s.docid);
    }
    if (auto r = WriteArticles(db, InDocidOrder(changed), articles, /*fresh=*/false, options.progress, &phrase_words);
        !r) {
      return Fail(r.error());  // the transaction is cancelled: nothing is written
    }
    if (auto r = WriteSynonyms(db, synonyms); !r) return Fail(r.error());
    Stamp(db, *live, NowMs());
    db.commit_transaction();
  } catch (const Xapian::DatabaseLockError& e) {
    return Fail(Error::Unavailable(fmt::format("index is locked by another writer: {}", e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, fmt::format("cannot update index {}", index_dir)));
  } catch (...) {
    return Fail(CaughtError(fmt::format("cannot update index {}", index_dir)));
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
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
    return Fail(FromXapian(e, "cannot store synonyms"));
  } catch (...) {
    return Fail(CaughtError("cannot store synonyms"));
  }
  return {};
}

Result<Xapian::WritableDatabase> BuildInMemoryIndex(const std::vector<Article>& articles, const Synonyms& synonyms) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  if (auto r = AddArticles(db, articles, /*fresh=*/true); !r) return Fail(r.error());
  if (auto r = WriteSynonyms(db, synonyms); !r) return Fail(r.error());
  return db;
}

Result<BuildStats> BuildIndexAs(const std::vector<Article>& articles, const std::string& index_dir,
                                const Synonyms& synonyms, const BuildOptions& options, ShardOf shard) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir(index_dir);
  std::error_code ec;
  if (auto ready = index_dir::PrepareForBuild(index_dir); !ready) return Fail(ready.error());

  auto lock = FileLock::Acquire(dir / kLockName);
  if (!lock) return Fail(lock.error());

  int live = -1;
  if (auto current = LiveGeneration(index_dir)) live = GenerationNumber(*current);
  const int next = index_dir::NextGeneration(index_dir, live);
  const std::string generation = index_dir::GenerationName(next);
  const fs::path gen_path = dir / generation;
  fs::remove_all(gen_path, ec);  // debris of a killed build

  // Write shards in parallel into scratch databases, one per core, each a
  // contiguous run of the docid order, then compact them together into the
  // generation: compaction concatenates the shards in order, merges the
  // posting-list chunks of every flush and fills the blocks, which halves
  // the index and speeds up every search.
  std::vector<const Article*> ordered = InDocidOrder(articles);
  if (shard.n > 1 && !shard.lexicon) {
    // Xapian numbers the documents of N databases searched together
    // round-robin (docid d of database k is (d - 1) * N + k + 1), so these
    // shards, searched together, have the docids of the whole index.
    std::vector<const Article*> mine;
    for (std::size_t i = shard.k; i < ordered.size(); i += shard.n) mine.push_back(ordered[i]);
    ordered = std::move(mine);
  }
  const std::size_t shards =
      std::clamp<std::size_t>(std::min<std::size_t>(std::thread::hardware_concurrency(), kMaxShards), 1,
                              std::max<std::size_t>(1, ordered.size() / kMinShardArticles));
  std::vector<fs::path> scratch;
  std::vector<TermCounts> term_counts(shards);  // the lexicon's, per scratch database
  for (std::size_t i = 0; i < shards; ++i) scratch.push_back(dir / fmt::format("{}.build.{}", generation, i));
  auto cleanup = [&] {
    for (const fs::path& p : scratch) fs::remove_all(p, ec);
    fs::remove_all(gen_path, ec);
  };
  cleanup();
  // Small flushes (see kFlushThreshold).
  ::setenv("XAPIAN_FLUSH_THRESHOLD", kFlushThreshold, /*overwrite=*/0);
  const PhraseWordsByLanguage phrase_words = PhraseWordsOf(synonyms);
  const std::int64_t built_ms = NowMs();  // one stamp in every shard: compaction keeps it
  std::mutex progress_mu;
  std::size_t progress_done = 0;
  auto write_shard = [&](std::size_t i) -> Result<void> {
    const std::size_t from = ordered.size() * i / shards, to = ordered.size() * (i + 1) / shards;
    const std::vector<const Article*> mine(ordered.begin() + static_cast<long>(from), ordered.begin() + static_cast<long>(to));
    std::size_t reported = 0;
    ProgressFn progress;
    if (options.progress) {
      progress = [&](std::size_t done, std::size_t) {
        std::lock_guard<std::mutex> lock(progress_mu);
        progress_done += done - reported;
        reported = done;
        options.progress(progress_done, ordered.size());
      };
    }
    try {
      Xapian::WritableDatabase db(scratch[i].string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS, kBlockSizeBytes);
      SpellingCounts spelling;
      LexiconWrite lexicon{.first_docid = static_cast<Xapian::docid>(from + 1), .term_counts = &term_counts[i]};
      auto written = WriteArticles(db, mine, articles, /*fresh=*/true, progress, &phrase_words, &spelling,
                                   shard.lexicon ? &lexicon : nullptr);
      if (!written) return written;
      if (shard.n == 1 || shard.lexicon) {  // a shard's spelling data is in the lexicon
        for (const auto& [word, count] : spelling) db.add_spelling(word, count);
      }
      if (auto r = WriteSynonyms(db, synonyms); !r) return r;
      Stamp(db, generation, built_ms);
      db.commit();
      db.close();
    } catch (const Xapian::Error& e) {
      return Fail(FromXapian(e, fmt::format("cannot build index in {}", gen_path.string())));
    } catch (...) {  // this runs on threads of its own: nothing may escape
      return Fail(CaughtError(fmt::format("cannot build index in {}", gen_path.string())));
    }
    return {};
  };
  std::vector<Result<void>> results(shards);
  {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < shards; ++i) threads.emplace_back([&, i] { results[i] = write_shard(i); });
    results[0] = write_shard(0);
    for (std::thread& t : threads) t.join();
  }
  for (const Result<void>& r : results) {
    if (!r) {
      cleanup();
      return Fail(r.error());
    }
  }
  try {
    if (shard.lexicon) {
      // The counts of every scratch database, summed, into the first.
      TermCounts& sum = term_counts[0];
      for (std::size_t j = 1; j < shards; ++j) {
        for (const auto& [term, counts] : term_counts[j]) {
          schema::TermStats& total = sum[term];
          total.all += counts.all;
          total.visible += counts.visible;
        }
        TermCounts().swap(term_counts[j]);
      }
      Xapian::WritableDatabase first(scratch[0].string(), Xapian::DB_OPEN);
      for (const auto& [term, counts] : sum) {
        if (auto key = schema::TermStatsKey(term)) first.set_metadata(*key, schema::FormatTermStats(counts));
      }
      first.set_metadata(std::string(schema::kMetaTermStats), "1");
      first.set_metadata(std::string(schema::kMetaPages), "1");
      first.commit();
      first.close();
    }
    Xapian::Database all;
    for (const fs::path& p : scratch) all.add_database(Xapian::Database(p.string()));
    all.compact(gen_path.string(), Xapian::Compactor::FULLER);
    for (const fs::path& p : scratch) fs::remove_all(p, ec);
  } catch (const Xapian::Error& e) {
    cleanup();
    return Fail(FromXapian(e, fmt::format("cannot build index in {}", gen_path.string())));
  } catch (...) {
    cleanup();
    return Fail(CaughtError(fmt::format("cannot build index in {}", gen_path.string())));
  }

  if (auto r = PointStubAt(dir, generation); !r) {
    fs::remove_all(gen_path, ec);
    return Fail(r.error());
  }
  RemoveOldGenerations(dir, next, live);

  BuildStats stats;
  stats.articles = static_cast<int>(ordered.size());
  stats.added = stats.articles;
  stats.full = true;
  stats.generation = generation;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

namespace {

// `articles` with the learned phrasings the live generation of `index_dir`
// holds for them (those that have none of their own), or nullopt when it
// holds none.
std::optional<std::vector<Article>> WithLiveLearned(const std::vector<Article>& articles, const std::string& index_dir) {
  auto live = LiveGeneration(index_dir);
  if (!live) return std::nullopt;
  std::unordered_map<std::string, std::vector<LearnedPhrasing>> learned;  // by key
  try {
    const Xapian::Database db((fs::path(index_dir) / *live).string());
    for (auto it = db.valuestream_begin(schema::kSlotLearned); it != db.valuestream_end(schema::kSlotLearned); ++it) {
      const Xapian::Document doc = db.get_document(it.get_docid());
      const std::string hash = doc.get_value(schema::kSlotHash);
      const std::size_t space = hash.find(' ');
      if (space == std::string::npos) continue;
      learned[hash.substr(space + 1)] = schema::StoredLearned(doc);
    }
  } catch (const Xapian::Error&) {
    return std::nullopt;  // unreadable: the build itself will say what is wrong
  }
  if (learned.empty()) return std::nullopt;
  std::vector<Article> out = articles;
  for (Article& a : out) {
    if (!a.learned.empty()) continue;
    if (auto it = learned.find(schema::ArticleKey(a.locale, a.id)); it != learned.end()) a.learned = it->second;
  }
  return out;
}

}  // namespace

Result<std::vector<BuildStats>> BuildShardedIndex(const std::vector<Article>& articles, const std::string& index_dir,
                                                  std::size_t shards, const Synonyms& synonyms,
                                                  const BuildOptions& options) {
  if (shards < 1 || shards > kMaxIndexShards) {
    return Fail(Error::InvalidArgument(fmt::format("--shards must be from 1 to {}, got {}", kMaxIndexShards, shards)));
  }
  std::error_code ec;
  fs::create_directories(index_dir, ec);
  if (fs::exists(fs::path(index_dir) / index_dir::kStubName, ec)) {
    return Fail(Error::FailedPrecondition(
        fmt::format("{} holds an index of one shard; build the shards in another directory", index_dir)));
  }
  std::vector<BuildStats> out;
  auto lexicon = BuildIndexAs(articles, LexiconPath(index_dir), synonyms, options, ShardOf{0, shards, true});
  if (!lexicon) return Fail(lexicon.error());
  for (std::size_t k = 0; k < shards; ++k) {
    auto stats = BuildIndexAs(articles, ShardPath(index_dir, k), synonyms, options, ShardOf{k, shards});
    if (!stats) return Fail(stats.error());
    out.push_back(*stats);
  }
  return out;
}

std::string LexiconPath(const std::string& index_dir) { return (fs::path(index_dir) / "lexicon").string(); }

std::vector<std::string> ShardedIndexPaths(const std::string& index_dir, std::size_t shards) {
  std::vector<std::string> out = {LexiconPath(index_dir)};
  for (std::size_t k = 0; k < shards; ++k) out.push_back(ShardPath(index_dir, k));
  return out;
}

std::string ShardPath(const std::string& index_dir, std::size_t k) {
  return (fs::path(index_dir) / fmt::format("shard-{}", k)).string();
}

Result<BuildStats> BuildIndex(const std::vector<Article>& articles, const std::string& index_dir,
                              const Synonyms& synonyms, const BuildOptions& options) {
  if (options.keep_learned) {
    if (auto with = WithLiveLearned(articles, index_dir)) return BuildIndexAs(*with, index_dir, synonyms, options);
  }
  return BuildIndexAs(articles, index_dir, synonyms, options);
}

Result<BuildStats> UpdateIndex(const std::vector<Article>& articles, const std::string& index_dir,
                               const Synonyms& synonyms, const BuildOptions& options) {
  if (options.keep_learned) {
    if (auto with = WithLiveLearned(articles, index_dir)) return UpdateIndexAs(*with, index_dir, synonyms, options);
  }
  return UpdateIndexAs(articles, index_dir, synonyms, options);
}

namespace {

// Article id -> how many locales the database has it in.
std::unordered_map<std::string, int> LocalesOfIds(const Xapian::Database& db) {
  std::unordered_map<std::string, int> out;
  for (auto it = db.valuestream_begin(schema::kSlotHash); it != db.valuestream_end(schema::kSlotHash); ++it) {
    const std::string value = *it;
    if (const std::size_t colon = value.find(':', value.find(' ')); colon != std::string::npos) {
      ++out[value.substr(colon + 1)];
    }
  }
  return out;
}

// Whether `learned` changes any article of `db`: most runs change nothing,
// and then need not take the build lock.
bool ChangesAny(const Xapian::Database& db, const LearnedFn& learned) {
  const std::unordered_map<std::string, int> locales_of = LocalesOfIds(db);
  for (auto it = db.valuestream_begin(schema::kSlotHash); it != db.valuestream_end(schema::kSlotHash); ++it) {
    const Xapian::Document stored = db.get_document(it.get_docid());
    Article a = schema::StoredArticle(stored, schema::StoredParts::kAll);
    auto n = locales_of.find(a.id);
    a.learned = learned(a, n == locales_of.end() ? 0 : n->second);
    const std::string hash = *it;
    if (hash.substr(0, hash.find(' ')) != fmt::format("{:016x}", schema::ArticleHash(a))) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<Article>> ReadLearned(const std::string& index_dir) {
  auto live = LiveGeneration(index_dir);
  if (!live) return Fail(Error::NotFound(fmt::format("no index in {}: build it first (kb-index build)", index_dir)));
  std::vector<Article> out;
  try {
    const Xapian::Database db((fs::path(index_dir) / *live).string());
    for (auto it = db.valuestream_begin(schema::kSlotLearned); it != db.valuestream_end(schema::kSlotLearned); ++it) {
      Article a = schema::StoredArticle(db.get_document(it.get_docid()), schema::StoredParts::kAll);
      if (a.learned.empty()) continue;
      a.body_markdown.clear();
      a.body_text.clear();
      a.steps.clear();
      out.push_back(std::move(a));
    }
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, fmt::format("cannot read index {}", index_dir)));
  }
  std::sort(out.begin(), out.end(), [](const Article& a, const Article& b) {
    return a.id != b.id ? a.id < b.id : a.locale < b.locale;
  });
  return out;
}

Result<LearnedUpdate> UpdateLearned(const std::string& index_dir, const LearnedFn& learned) {
  const auto start = std::chrono::steady_clock::now();
  auto live = LiveGeneration(index_dir);
  if (!live) return Fail(Error::NotFound(fmt::format("no index in {}: build it first (kb-index build)", index_dir)));
  const fs::path dir(index_dir);
  try {
    const Xapian::Database db((dir / *live).string());
    if (db.get_metadata(std::string(schema::kMetaSchemaVersion)) == schema::kSchemaVersion && !ChangesAny(db, learned)) {
      LearnedUpdate unchanged;
      unchanged.generation = *live;
      unchanged.articles = static_cast<int>(db.get_doccount());
      unchanged.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return unchanged;
    }
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, fmt::format("cannot read index {}", index_dir)));
  }
  auto lock = FileLock::Acquire(dir / kLockName);
  if (!lock) return Fail(lock.error());
  if (auto again = LiveGeneration(index_dir); !again || *again != *live) {
    return Fail(Error::Unavailable("another build swapped the index in meanwhile; try again"));
  }
  LearnedUpdate out;
  out.generation = *live;
  try {
    Xapian::WritableDatabase db((dir / *live).string(), Xapian::DB_OPEN);
    if (db.get_metadata(std::string(schema::kMetaSchemaVersion)) != schema::kSchemaVersion) {
      return Fail(Error::FailedPrecondition(
          fmt::format("the index in {} was written by another version of kbsearch: rebuild it (kb-index build)", index_dir)));
    }
    const schema::FieldLengths average =
        schema::ParseLengths(db.get_metadata(std::string(schema::kMetaAverageLengths))).value_or(schema::FieldLengths{});
    // The words whose positions documents keep, as the last build recorded
    // them ("language:stem ...", see Fingerprint).
    PhraseWordsByLanguage phrase_words;
    {
      std::istringstream words(db.get_metadata(std::string(kMetaPhraseWords)));
      for (std::string w; words >> w;) {
        if (const std::size_t colon = w.find(':'); colon != std::string::npos) {
          phrase_words[w.substr(0, colon)].insert(w.substr(colon + 1));
        }
      }
    }
    std::vector<Xapian::docid> docids;
    for (auto it = db.valuestream_begin(schema::kSlotHash); it != db.valuestream_end(schema::kSlotHash); ++it) {
      docids.push_back(it.get_docid());
    }
    std::unordered_map<std::string, int> locales_of = LocalesOfIds(db);
    std::map<std::string, std::unique_ptr<text::Analyzer>> analyzers;
    static const schema::PhraseWords kNone;
    db.begin_transaction(/*flushed=*/true);
    for (Xapian::docid docid : docids) {
      const Xapian::Document stored = db.get_document(docid);
      Article a = schema::StoredArticle(stored, schema::StoredParts::kAll);
      ++out.articles;
      a.learned = learned(a, locales_of[a.id]);
      const std::string hash = stored.get_value(schema::kSlotHash);
      if (hash.substr(0, hash.find(' ')) == fmt::format("{:016x}", schema::ArticleHash(a))) continue;
      auto& analyzer = analyzers[a.locale];
      if (!analyzer) analyzer = std::make_unique<text::Analyzer>(a.locale);
      auto positional = phrase_words.find(text::LanguageOf(a.locale));
      db.replace_document(docid, schema::MakeDocument(a, *analyzer, average,
                                                      positional == phrase_words.end() ? &kNone : &positional->second));
      ++out.changed;
    }
    if (out.changed > 0) Stamp(db, *live, NowMs());
    db.commit_transaction();
  } catch (const Xapian::DatabaseLockError& e) {
    return Fail(Error::Unavailable(fmt::format("index is locked by another writer: {}", e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, fmt::format("cannot update index {}", index_dir)));
  } catch (...) {
    return Fail(CaughtError(fmt::format("cannot update index {}", index_dir)));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace kb
