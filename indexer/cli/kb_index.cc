#include "indexer/cli/kb_index.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>

#include <unistd.h>

#include <iostream>

#include <fmt/core.h>

#include "indexer/base/flags.h"
#include "indexer/base/progress.h"
#include "indexer/check/lint.h"
#include "indexer/import/zendesk.h"

#include "indexer/base/time.h"
#include "indexer/build/build.h"
#include "server/analytics/event_store.h"
#include "server/learning/learner.h"
#include "server/search/searcher.h"

namespace kb {

namespace {

constexpr std::string_view kUsage =
    "usage:\n"
    "  kb-index build --corpus PATH --index DIR [--full] [--shards N]\n"
    "      Reads a directory of Markdown articles (or a JSONL file) and checks every\n"
    "      article. Then writes only what changed (added, changed and deleted\n"
    "      articles, by content hash) into the live index in one atomic commit;\n"
    "      the first build, and --full, build a new generation and swap it in.\n"
    "      Nothing changes unless the whole build succeeds. --shards N builds N\n"
    "      shards and their lexicon in DIR/shard-0 ... DIR/shard-N-1 and DIR/lexicon\n"
    "      instead, each a new generation (docs/scaling.md).\n"
    "  kb-index check --corpus PATH [--stale-days N] [--today YYYY-MM-DD]\n"
    "      Checks the corpus without indexing it: prints path:line: error|warning:\n"
    "      message for each finding, then a summary; exits 1 if there is an error.\n"
    "      Articles last updated more than N days (default 365; 0 turns this off)\n"
    "      before --today (default: today, UTC) are stale.\n"
    "  kb-index import zendesk --out DIR EXPORT.json\n"
    "      Converts a Zendesk Help Center export into Markdown articles under\n"
    "      DIR/<locale>/zendesk-<section>/zd-<id>.md. Every article is checked\n"
    "      first; with any error nothing is written. Drafts are skipped and\n"
    "      unchanged files are left alone.\n"
    "  kb-index search --index DIR [--locale L] [--audience public|agent] [--explain] QUERY...\n"
    "      Prints rank<TAB>id<TAB>score<TAB>title for the top results. With\n"
    "      --explain, each result is followed by the query parts that matched it:\n"
    "      <TAB>part<TAB>fields<TAB>weight.\n"
    "  kb-index learn --events FILE --index DIR [--min-clients N] [--half-life DURATION]\n"
    "      Learns from kb-server's event store FILE which phrasings satisfied\n"
    "      customers and agents (docs/learning.md; at least N distinct clients,\n"
    "      default 5; evidence halves every DURATION, default 90d), and gives them\n"
    "      to the articles of the index in DIR: only the articles whose learned\n"
    "      phrasings changed are rewritten, in one atomic commit.\n";

struct Flags {
  std::string corpus, index, locale, audience, events, min_clients, half_life, shards;
  bool corpus_given = false, index_given = false, locale_given = false, audience_given = false;
  bool events_given = false, min_clients_given = false, half_life_given = false, shards_given = false;
  bool full = false, explain = false;
  std::vector<std::string> positional;
};

// Parses the flags of a subcommand among `allowed`; prints the problem and
// returns nullopt on bad usage.
std::optional<Flags> ParseFlags(const std::vector<std::string>& args, std::initializer_list<std::string_view> allowed,
                                std::ostream& err) {
  Flags flags;
  FlagParser parser;
  auto allow = [&](std::string_view name) { return std::find(allowed.begin(), allowed.end(), name) != allowed.end(); };
  if (allow("corpus")) parser.Value("corpus", &flags.corpus, &flags.corpus_given);
  if (allow("index")) parser.Value("index", &flags.index, &flags.index_given);
  if (allow("locale")) parser.Value("locale", &flags.locale, &flags.locale_given);
  if (allow("audience")) parser.Value("audience", &flags.audience, &flags.audience_given);
  if (allow("events")) parser.Value("events", &flags.events, &flags.events_given);
  if (allow("min-clients")) parser.Value("min-clients", &flags.min_clients, &flags.min_clients_given);
  if (allow("half-life")) parser.Value("half-life", &flags.half_life, &flags.half_life_given);
  if (allow("shards")) parser.Value("shards", &flags.shards, &flags.shards_given);
  if (allow("full")) parser.Switch("full", &flags.full);
  if (allow("explain")) parser.Switch("explain", &flags.explain);
  parser.Positional(&flags.positional);
  if (auto parsed = parser.Parse(std::vector<std::string>(args.begin() + 1, args.end())); !parsed) {
    err << "kb-index: " << parsed.error().message() << "\n" << kUsage;
    return std::nullopt;
  }
  return flags;
}

int Build(const Flags& flags, std::ostream& out, std::ostream& err) {
  if (!flags.corpus_given || !flags.index_given || !flags.positional.empty()) {
    err << "kb-index build: needs --corpus PATH and --index DIR\n" << kUsage;
    return 2;
  }
  Progress progress(err, &err == &std::cerr && ::isatty(STDERR_FILENO), "indexing", "articles");
  CorpusBuildOptions options;
  options.index.full = flags.full;
  if (flags.shards_given) {
    std::size_t used = 0;
    unsigned long n = 0;
    try {
      n = std::stoul(flags.shards, &used);
    } catch (...) {
      used = 0;
    }
    if (used != flags.shards.size() || n < 1 || n > kMaxIndexShards) {
      err << fmt::format("kb-index build: --shards must be a number from 1 to {}, got '{}'\n", kMaxIndexShards,
                         flags.shards);
      return 2;
    }
    options.shards = n;
  }
  options.index.progress = [&](std::size_t done, std::size_t total) { progress.Update(done, total); };
  auto build = BuildFromCorpus(flags.corpus, flags.index, options);
  progress.Finish();
  if (!build) {
    const std::vector<Error>& errors = build.error().errors;
    if (!build.error().in_corpus) {
      err << "kb-index: " << errors.front().ToString() << "\n";
      return 1;
    }
    for (const Error& e : errors) err << e.ToString() << "\n";
    err << fmt::format("kb-index: {} error{} in {}; the index in {} was not changed\n", errors.size(),
                       errors.size() == 1 ? "" : "s", flags.corpus, flags.index);
    return 1;
  }
  const Corpus* corpus = &build->corpus;
  const BuildStats* stats = &build->stats;
  std::map<std::string, int> per_locale;
  int internal = 0;
  for (const Article& a : corpus->articles) {
    ++per_locale[a.locale];
    internal += a.audience == ArticleAudience::kInternal;
  }
  std::string locales;
  for (const auto& [locale, n] : per_locale) locales += fmt::format("{}{}={}", locales.empty() ? "" : " ", locale, n);
  if (options.shards > 0) {
    out << fmt::format("built {} shards and their lexicon in {}: {} articles ({}; {} internal) from {} files in "
                       "{:.2f} s\n",
                       options.shards, flags.index, stats->articles, locales, internal, corpus->files_read,
                       stats->seconds);
    return 0;
  }
  out << fmt::format("{} {}: {} articles ({}; {} internal) from {} files: {} added, {} updated, {} deleted, "
                     "{} unchanged in {:.2f} s\n",
                     stats->full ? "built" : "updated", stats->generation, stats->articles, locales, internal,
                     corpus->files_read, stats->added, stats->updated, stats->deleted, stats->unchanged, stats->seconds);
  return 0;
}

int Search(const Flags& flags, std::ostream& out, std::ostream& err) {
  if (!flags.index_given) {
    err << "kb-index search: needs --index DIR\n" << kUsage;
    return 2;
  }
  search::SearchRequest request;
  for (const std::string& word : flags.positional) request.query += (request.query.empty() ? "" : " ") + word;
  if (flags.locale_given) request.locale = flags.locale;
  if (flags.audience_given) {
    if (flags.audience == "agent") {
      request.audience = search::Audience::kAgent;
    } else if (flags.audience != "public") {
      err << fmt::format("kb-index search: --audience must be 'public' or 'agent', got '{}'\n", flags.audience);
      return 2;
    }
  }
  request.snippets = false;
  request.explain = flags.explain;
  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {flags.index}});
  if (!searcher) {
    err << "kb-index: " << searcher.error().ToString() << "\n";
    return 1;
  }
  auto response = (*searcher)->Search(request);
  if (!response) {
    err << "kb-index: " << response.error().ToString() << "\n";
    return 1;
  }
  int rank = request.offset;
  for (const search::SearchHit& hit : response->hits) {
    out << fmt::format("{}\t{}\t{:.4f}\t{}\n", ++rank, hit.id, hit.score, hit.title);
    for (const search::TermExplanation& e : hit.explanation) {
      std::string fields;
      for (const std::string& f : e.fields) {
        if (!fields.empty()) fields.push_back(',');
        fields.append(f);
      }
      out << fmt::format("\t{}\t{}\t{:.4f}\n", e.term, fields.empty() ? "-" : fields, e.weight);
    }
  }
  return 0;
}

int Learn(const Flags& flags, std::ostream& out, std::ostream& err) {
  if (!flags.events_given || !flags.index_given || !flags.positional.empty()) {
    err << "kb-index learn: needs --events FILE and --index DIR\n" << kUsage;
    return 2;
  }
  learning::LearningOptions options;
  if (flags.min_clients_given) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(flags.min_clients.data(), flags.min_clients.data() + flags.min_clients.size(), n);
    if (ec != std::errc() || ptr != flags.min_clients.data() + flags.min_clients.size() || n < 1) {
      err << fmt::format("kb-index learn: --min-clients must be a whole number of at least 1, got '{}'\n",
                         flags.min_clients);
      return 2;
    }
    options.min_clients = n;
  }
  if (flags.half_life_given) {
    auto d = ParseDuration(flags.half_life);
    if (!d || d->count() <= 0) {
      err << fmt::format("kb-index learn: --half-life must be a duration such as 90d or 12h, got '{}'\n",
                         flags.half_life);
      return 2;
    }
    options.half_life_ms = d->count();
  }
  if (!analytics::IsPostgresUrl(flags.events) && !std::filesystem::is_regular_file(flags.events)) {
    err << fmt::format("kb-index: no event store at {}\n", flags.events);
    return 1;
  }
  auto events = analytics::OpenEventStore(flags.events);
  if (!events) {
    err << "kb-index: " << events.error().ToString() << "\n";
    return 1;
  }
  auto run = learning::LearnIntoIndex(**events, flags.index, NowMs(), options);
  if (!run) {
    err << "kb-index: " << run.error().ToString() << "\n";
    return 1;
  }
  const learning::Learned& l = run->learned;
  std::size_t phrasings = 0;
  for (const auto& [article, list] : l.articles) phrasings += list.size();
  out << fmt::format("learned {} phrasings for {} articles from {} events in {} sessions "
                     "(held back: {} with too few clients, {} private, {} rejected)\n",
                     phrasings, l.articles.size(), l.events, l.sessions, l.too_few_clients, l.private_text, l.rejected);
  out << fmt::format("updated {}: {} of {} articles changed in {:.2f} s\n", run->index.generation, run->index.changed,
                     run->index.articles, run->index.seconds);
  return 0;
}

}  // namespace

int RunKbIndex(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& command = args[0];
  if (command == "build") {
    auto flags = ParseFlags(args, {"corpus", "index", "full", "shards"}, err);
    return flags ? Build(*flags, out, err) : 2;
  }
  if (command == "import") {
    return RunImportCommand(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  }
  if (command == "check") {
    return check::RunCheckCommand(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  }
  if (command == "search") {
    auto flags = ParseFlags(args, {"index", "locale", "audience", "explain"}, err);
    return flags ? Search(*flags, out, err) : 2;
  }
  if (command == "learn") {
    auto flags = ParseFlags(args, {"events", "index", "min-clients", "half-life"}, err);
    return flags ? Learn(*flags, out, err) : 2;
  }
  err << fmt::format("kb-index: unknown command '{}'\n{}", command, kUsage);
  return 2;
}

}  // namespace kb
