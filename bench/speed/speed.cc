#include "bench/speed/speed.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <fmt/core.h>

#include "bench/peer/fts5.h"
#include "bench/speed/latency.h"
#include "bench/speed/peers.h"
#include "bench/speed/request.h"
#include "bench/speed/scale.h"
#include "bench/speed/shard_overhead.h"
#include "bench/speed/synthetic.h"
#include "indexer/base/flags.h"
#include "indexer/base/temp_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"
#include "server/search/searcher_pool.h"

namespace kb::bench {

namespace {

constexpr std::string_view kUsage =
    "usage: kb-bench [--articles N] [--queries N]\n"
    "  kbsearch against SQLite FTS5, plain Xapian, Lucene++ and PostgreSQL's\n"
    "  full-text search (on a PostgreSQL 15 cluster it starts), on the same\n"
    "  synthetic articles and queries.\n"
    "       kb-bench --emit DIR [--shards N] [--zipf S] [--articles N] [--queries N]\n"
    "       kb-bench --scale [--sizes N,N,...] [--queries N]\n"
    "       kb-bench --shard-overhead DIR --servers tcp://HOST:PORT,...\n"
    "  --emit builds the synthetic corpus's index in DIR/index and writes its\n"
    "  queries to DIR/queries.txt, one per line, for the HTTP benchmark; with\n"
    "  --shards, also as N shards in DIR/sharded. It prints what one search\n"
    "  with snippets costs in-process, over the first 1,000 queries or, with\n"
    "  --zipf S, over 3,000 drawn from them by Zipf's law with exponent S.\n"
    "  --shard-overhead searches DIR's queries on DIR/index, on the shards of\n"
    "  DIR/sharded and on the same shards through the xapian-tcpsrv servers\n"
    "  given, one per shard in shard order (bench/cluster/run).\n"
    "  --scale measures kbsearch, with and without snippets, and plain Xapian at\n"
    "  each size (default 10000,100000,1000000 articles): latency, build rate,\n"
    "  index size and a searcher's resident memory (kb-bench --probe SYSTEM DIR).\n";

// Body length of the short FAQ entries whose build throughput is reported
// beside that of the full articles: one short paragraph.
constexpr int kShortBodyWords = 25;

// The FTS5 peer's index of `corpus` in the SQLite file `path`.
Result<std::unique_ptr<peer::Fts5Index>> BuildFts5(const std::string& path, const std::vector<Article>& corpus) {
  auto fts = peer::Fts5Index::Open(path);
  if (!fts) return Fail(fts.error());
  if (auto r = (*fts)->Add(corpus); !r) return Fail(r.error());
  return fts;
}

// Writes the index and the queries for bench/http.
int Emit(const std::string& dir, std::size_t shards, double zipf, const std::vector<Article>& corpus,
         const std::vector<std::string>& queries, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto built = BuildIndex(corpus, dir + "/index");
  if (!built) {
    err << "kb-bench: " << built.error().ToString() << "\n";
    return 1;
  }
  if (shards > 0) {
    if (auto r = BuildShardedIndex(corpus, dir + "/sharded", shards); !r) {
      err << "kb-bench: " << r.error().ToString() << "\n";
      return 1;
    }
    out << fmt::format("wrote {} shards of {} articles and their lexicon to {}/sharded\n", shards, corpus.size(), dir);
  }
  std::ofstream q(dir + "/queries.txt", std::ios::trunc);
  for (const std::string& line : queries) q << line << "\n";
  if (!q) {
    err << "kb-bench: cannot write " << dir << "/queries.txt\n";
    return 1;
  }
  out << fmt::format("wrote {}/index ({} articles, {:.1f} s) and {} queries to {}/queries.txt\n", dir,
                     corpus.size(), built->seconds, queries.size(), dir);
  // What one search costs in-process, for the HTTP benchmark's ceiling:
  // with snippets, and with snippets and facets; warm. The searches are the
  // first 1,000 queries or, with a Zipf exponent, 3,000 drawn as the HTTP
  // benchmark's stream draws them: a stream's repeated head queries cost
  // less than as many distinct ones.
  std::vector<std::string> sample(queries.begin(), queries.begin() + std::min<std::ptrdiff_t>(1000, std::ssize(queries)));
  if (zipf > 0) sample = ZipfDraws(queries, zipf, 3000, /*seed=*/7919);
  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {dir + "/index"}});
  if (!searcher) {
    err << "kb-bench: " << searcher.error().ToString() << "\n";
    return 1;
  }
  for (const bool facets : {false, true}) {
    const Latency cost = Measure(sample, [&](const std::string& q) {
      search::SearchRequest request;
      request.query = q;
      request.locale = "en";
      request.facets = facets;
      (void)(*searcher)->Search(request);
    });
    out << fmt::format("in-process, one thread, warm, {} searches{}, with snippets{}: mean_us={:.1f} p50_us={:.1f}\n",
                       sample.size(), zipf > 0 ? fmt::format(" drawn by Zipf's law (exponent {})", zipf) : "",
                       facets ? " and facets" : "", cost.mean_us, cost.p50_us);
  }
  return 0;
}

struct Visibility {
  double update_ms = 0;   // UpdateIndex of the one changed article
  double visible_ms = 0;  // from the start of the update until a search finds it
};

// Changes one article of the index in `index_dir` and measures, with a
// SearcherPool polling as the server's does, how long until it is found.
Result<Visibility> MeasureUpdateVisibility(std::vector<Article> corpus, const std::string& index_dir) {
  auto pool = search::SearcherPool::Open(search::SearcherOptions{.index_paths = {index_dir}});
  if (!pool) return Fail(pool.error());
  corpus[corpus.size() / 2].body_text += " quokkaupdate";
  const auto start = Clock::now();
  auto updated = UpdateIndex(corpus, index_dir);
  if (!updated) return Fail(updated.error());
  Visibility v;
  v.update_ms = Seconds(start) * 1000;
  for (;;) {
    auto lease = (*pool)->Acquire();
    if (!lease) return Fail(lease.error());
    auto r = (*lease)->Search(search::SearchRequest{.query = "quokkaupdate", .snippets = false});
    if (r && r->total_estimate > 0) break;
    if (Seconds(start) > 30) return Fail(Error::Internal("the changed article never became searchable"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  v.visible_ms = Seconds(start) * 1000;
  return v;
}

}  // namespace

int RunSpeedBench(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  SyntheticOptions options;
  int query_count = 1000;
  std::string emit_dir;
  if (AsksForHelp(args)) {
    out << kUsage;
    return 0;
  }
  std::string articles_flag, queries_flag, shards_flag, overhead_dir, servers_flag, sizes_flag, probe, zipf_flag;
  bool articles_given = false, queries_given = false, shards_given = false, scale = false, sizes_given = false,
       zipf_given = false;
  std::vector<std::string> positional;
  FlagParser parser;
  parser.Value("articles", &articles_flag, &articles_given)
      .Value("queries", &queries_flag, &queries_given)
      .Value("emit", &emit_dir)
      .Value("shards", &shards_flag, &shards_given)
      .Value("zipf", &zipf_flag, &zipf_given)
      .Value("shard-overhead", &overhead_dir)
      .Value("servers", &servers_flag)
      .Switch("scale", &scale)
      .Value("sizes", &sizes_flag, &sizes_given)
      .Value("probe", &probe)
      .Positional(&positional);
  auto usage = [&](const std::string& message) {
    err << "kb-bench: " << message << "\n" << kUsage;
    return 2;
  };
  if (auto parsed = parser.Parse(args); !parsed) return usage(parsed.error().message());
  if (articles_given) {
    auto n = ParseCount(articles_flag);
    if (!n) return usage(fmt::format("--articles must be a whole number from 1, got '{}'", articles_flag));
    options.articles = static_cast<int>(*n);
  }
  if (queries_given) {
    auto n = ParseCount(queries_flag);
    if (!n) return usage(fmt::format("--queries must be a whole number from 1, got '{}'", queries_flag));
    query_count = static_cast<int>(*n);
  }

  if (!probe.empty()) {
    if (positional.size() != 1) return usage("--probe takes one directory, as --scale writes it");
    return RunProbe(probe, positional[0], out, err);
  }
  if (!positional.empty()) return usage(fmt::format("unexpected argument '{}'", positional[0]));
  if (scale || sizes_given) {
    std::vector<int> sizes = {10000, 100000, 1000000};
    if (sizes_given) {
      sizes.clear();
      for (std::size_t from = 0; from <= sizes_flag.size();) {
        std::size_t comma = sizes_flag.find(',', from);
        if (comma == std::string::npos) comma = sizes_flag.size();
        auto n = ParseCount(std::string_view(sizes_flag).substr(from, comma - from));
        if (!n) return usage(fmt::format("--sizes must be whole numbers from 1, comma-separated, got '{}'", sizes_flag));
        sizes.push_back(static_cast<int>(*n));
        from = comma + 1;
      }
    }
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    return RunScale(sizes, query_count, self, out, err);
  }
  if (!overhead_dir.empty()) {
    std::vector<std::string> servers;
    for (std::size_t from = 0; from < servers_flag.size();) {
      std::size_t comma = servers_flag.find(',', from);
      if (comma == std::string::npos) comma = servers_flag.size();
      servers.push_back(servers_flag.substr(from, comma - from));
      from = comma + 1;
    }
    if (servers.empty()) return usage("--shard-overhead needs --servers, one tcp://HOST:PORT per shard");
    return RunShardOverhead(overhead_dir, servers, out, err);
  }
  std::size_t shards = 0;
  if (shards_given) {
    auto n = ParseCount(shards_flag, static_cast<std::int64_t>(kMaxIndexShards));
    if (!n || emit_dir.empty()) {
      return usage(fmt::format("--shards goes with --emit and is a whole number from 1 to {}, got '{}'",
                               kMaxIndexShards, shards_flag));
    }
    shards = static_cast<std::size_t>(*n);
  }

  double zipf = 0;
  if (zipf_given) {
    const char* end = zipf_flag.data() + zipf_flag.size();
    const auto [ptr, ec] = std::from_chars(zipf_flag.data(), end, zipf);
    if (ec != std::errc() || ptr != end || !(zipf > 0 && zipf <= 10) || emit_dir.empty()) {
      return usage(fmt::format("--zipf goes with --emit and is a number above 0, at most 10, got '{}'", zipf_flag));
    }
  }

  auto start = Clock::now();
  const std::vector<Article> corpus = MakeSyntheticCorpus(options);
  const std::vector<std::string> queries = MakeSyntheticQueries(corpus, query_count, options.seed + 1);
  if (!emit_dir.empty()) return Emit(emit_dir, shards, zipf, corpus, queries, out, err);
  std::size_t words = 0;
  for (const Article& a : corpus) words += static_cast<std::size_t>(std::count(a.body_text.begin(), a.body_text.end(), ' ')) + 1;
  out << fmt::format("corpus: {} synthetic articles, {:.0f} body words on average, {} queries (generated in {:.1f} s)\n",
                     corpus.size(), static_cast<double>(words) / static_cast<double>(corpus.size()), queries.size(),
                     Seconds(start));

  TempDir tmp("kb-bench");
  const std::string index_dir = tmp.path() + "/index";
  start = Clock::now();
  auto built = BuildIndex(corpus, index_dir);
  if (!built) {
    err << "kb-bench: " << built.error().ToString() << "\n";
    return 1;
  }
  const double kb_index_s = Seconds(start);
  const std::uintmax_t kb_bytes = DiskBytes(std::filesystem::path(index_dir) / built->generation);

  const std::string fts_path = tmp.path() + "/fts5.sqlite";
  start = Clock::now();
  auto fts = BuildFts5(fts_path, corpus);
  if (!fts) {
    err << "kb-bench: " << fts.error().ToString() << "\n";
    return 1;
  }
  const double fts_index_s = Seconds(start);
  const std::uintmax_t fts_bytes = DiskBytes(fts_path) + DiskBytes(fts_path + "-wal");

  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_dir}});
  if (!searcher) {
    err << "kb-bench: " << searcher.error().ToString() << "\n";
    return 1;
  }
  auto kb_query = [&](bool snippets) {
    return [&, snippets](const std::string& q) { (void)(*searcher)->Search(BenchRequest(q, snippets)); };
  };
  const Latency kb = Measure(queries, kb_query(false));
  const Latency kb_snippets = Measure(queries, kb_query(true));
  const Latency fts5 = Measure(queries, [&](const std::string& q) { (void)(*fts)->Search(q, 10); });
  auto peers = MeasurePeers({PeerName::kXapian, PeerName::kLucene, PeerName::kPostgres}, corpus, queries, tmp.path());
  if (!peers) {
    err << "kb-bench: " << peers.error().ToString() << "\n";
    return 1;
  }
  // Type-ahead: the first one to three letters of a query's last word, after
  // its other words, as typed.
  std::vector<std::string> partials;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const std::string& q = queries[i];
    const std::size_t last = q.rfind(' ') + 1;
    partials.push_back(q.substr(0, last + 1 + i % 3));
  }
  const Latency suggest = Measure(partials, [&](const std::string& q) {
    (void)(*searcher)->Suggest(search::SuggestRequest{.query = q, .locale = "en"});
  });

  // Build throughput on short FAQ entries too: a help center of one-paragraph
  // answers indexes far faster than one of long articles, for both systems.
  const std::vector<Article> short_corpus = ShortArticles(corpus, kShortBodyWords);
  start = Clock::now();
  if (auto r = BuildIndex(short_corpus, tmp.path() + "/short-index"); !r) {
    err << "kb-bench: " << r.error().ToString() << "\n";
    return 1;
  }
  const double kb_short_s = Seconds(start);
  start = Clock::now();
  if (auto r = BuildFts5(tmp.path() + "/short-fts5.sqlite", short_corpus); !r) {
    err << "kb-bench: " << r.error().ToString() << "\n";
    return 1;
  }
  const double fts_short_s = Seconds(start);

  // Incremental: one article changes; how long until a server's searches
  // see it (the update itself, then the pool noticing the new revision).
  auto visible = MeasureUpdateVisibility(corpus, index_dir);
  if (!visible) {
    err << "kb-bench: " << visible.error().ToString() << "\n";
    return 1;
  }

  const double kb_rate = static_cast<double>(corpus.size()) / kb_index_s;
  const double fts_rate = static_cast<double>(corpus.size()) / fts_index_s;
  out << "in-process, one thread, warm, top 10 (ids and titles); latency in microseconds\n";
  out << fmt::format("{:<18} {:>12} {:>10} {:>9} {:>9} {:>9}\n", "system", "articles/s", "index MiB", "p50_us",
                     "p99_us", "mean_us");
  auto row = [&](std::string_view name, double rate, std::uintmax_t bytes, const Latency& l) {
    out << fmt::format("{:<18} {:>12.0f} {:>10.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name, rate,
                       static_cast<double>(bytes) / (1024.0 * 1024.0), l.p50_us, l.p99_us, l.mean_us);
  };
  row("kb", kb_rate, kb_bytes, kb);
  row("kb +snippets", kb_rate, kb_bytes, kb_snippets);
  row("fts5", fts_rate, fts_bytes, fts5);
  std::string peers_line = "peers p50_us";
  for (const PeerFigures& p : *peers) {
    if (p.not_run.empty()) {
      row(p.name, p.articles_per_s, p.bytes, p.latency);
      peers_line += fmt::format(" {}={:.0f}", p.peer == PeerName::kLucene ? "lucene" : p.name, p.latency.p50_us);
    } else {
      out << fmt::format("{:<18} not run: {}\n", p.name, p.not_run);
      peers_line += fmt::format(" {}=NA", p.peer == PeerName::kLucene ? "lucene" : p.name);
    }
  }
  out << fmt::format("{:<18} {:>12} {:>10} {:>9.1f} {:>9.1f} {:>9.1f}\n", "kb suggest", "", "", suggest.p50_us,
                     suggest.p99_us, suggest.mean_us);
  out << fmt::format("short FAQ entries (title and {} body words, no questions): articles/s kb={:.0f} fts5={:.0f}\n",
                     kShortBodyWords, static_cast<double>(short_corpus.size()) / kb_short_s,
                     static_cast<double>(short_corpus.size()) / fts_short_s);
  out << fmt::format("incremental: 1 of {} articles changed; update {:.0f} ms, searchable after {:.0f} ms "
                     "(the server polls every 200 ms)\n",
                     corpus.size(), visible->update_ms, visible->visible_ms);
  out << fmt::format("queries answered (at least one hit, of {}):", queries.size());
  for (const PeerFigures& p : *peers) {
    if (p.not_run.empty()) out << fmt::format(" {}={}", p.name, p.answered);
  }
  out << "\n" << peers_line << "\n";
  out << fmt::format("p50_us kb={:.0f} fts5={:.0f} p99_us kb={:.0f} fts5={:.0f} index_per_s kb={:.0f} fts5={:.0f}\n",
                     kb.p50_us, fts5.p50_us, kb.p99_us, fts5.p99_us, kb_rate, fts_rate);
  return 0;
}

}  // namespace kb::bench
