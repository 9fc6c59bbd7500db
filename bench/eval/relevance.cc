#include "bench/eval/relevance.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "bench/eval/dataset.h"
#include "bench/eval/metrics.h"
#include "bench/eval/usage.h"
#include "bench/peer/fts5.h"
#include "indexer/base/flags.h"
#include "indexer/base/temp_dir.h"
#include "indexer/build/build.h"
#include "server/search/searcher.h"

namespace kb::eval {

namespace {

constexpr std::string_view kUsage = "usage: kb-relevance DATASET_DIR... [--run FILE] [--history-folds K]\n";
// The order of queries before they are dealt into folds.
constexpr std::uint64_t kFoldSeed = 20261202;
constexpr int kDepth = 100;

std::string Row(std::string_view name, const Metrics& m) {
  return fmt::format("{:<16} {:>8.4f} {:>8.4f} {:>10.4f} {:>11.4f}", name, m.ndcg10, m.mrr10, m.recall10, m.recall100);
}

// A ranking configuration of the ablation table.
struct Configuration {
  std::string name;
  search::RankingOptions ranking;
};

// The product's ranking, then each feature switched the other way in turn.
std::vector<Configuration> Ablation() {
  std::vector<Configuration> configs = {{"kb", {}}};
  auto flip = [&](std::string name, bool search::RankingOptions::*feature) {
    Configuration c{std::move(name), {}};
    c.ranking.*feature = !(c.ranking.*feature);
    configs.push_back(c);
  };
  const search::RankingOptions defaults;
  flip(defaults.stopwords ? "- stopwords" : "+ stopwords", &search::RankingOptions::stopwords);
  flip(defaults.field_boost ? "- field boost" : "+ field boost", &search::RankingOptions::field_boost);
  flip(defaults.synonyms ? "- synonyms" : "+ synonyms", &search::RankingOptions::synonyms);
  flip(defaults.typos ? "- typos" : "+ typos", &search::RankingOptions::typos);
  flip(defaults.compounds ? "- compounds" : "+ compounds", &search::RankingOptions::compounds);
  flip(defaults.proximity ? "- proximity" : "+ proximity", &search::RankingOptions::proximity);
  return configs;
}

struct DatasetResult {
  Metrics kb;
  Metrics fts5;
  std::optional<Metrics> usage;  // kb after learning from the history, when there is one
};

// The product's ranking of each of `queries`, top kDepth, from the index
// at `index_dir`, into `ranking`.
Result<void> RankInto(const std::string& index_dir, const std::vector<Query>& queries, Ranking& ranking) {
  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_dir}});
  if (!searcher) return Fail(searcher.error());
  for (const Query& q : queries) {
    search::SearchRequest request;
    request.query = q.text;
    request.locale = q.locale;
    request.audience = search::Audience::kAgent;  // every article of a collection counts
    request.limit = kDepth;
    request.snippets = false;
    auto response = (*searcher)->Search(request);
    if (!response) continue;
    auto& ranked = ranking[q.id];
    for (const search::SearchHit& hit : response->hits) ranked.push_back(hit.id);
  }
  return {};
}

// kb after learning: for each (history, test) split, a fresh index of the
// collection and a fresh event store; the history is replayed by simulated
// customers (SimulateUsage), the learner learns into the index, and the
// test queries are ranked. Returns the ranking of every test query.
Result<Ranking> RankAfterUsage(const Dataset& d, const std::string& work, int folds, const Corpus& corpus,
                               const CorpusBuildOptions& build_options, std::ostream& err) {
  std::set<std::string> internal;
  for (const Article& a : corpus.articles) {
    if (a.audience == ArticleAudience::kInternal) internal.insert(a.id);
  }
  struct Split {
    std::vector<Query> history, test;
    Qrels history_qrels;
  };
  std::vector<Split> splits;
  if (d.has_history) {
    splits.push_back({d.history, d.queries, d.history_qrels});
  } else {
    // Each query is tested once, with the other folds as its history.
    std::vector<std::size_t> order(d.queries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(kFoldSeed));
    splits.resize(static_cast<std::size_t>(folds));
    for (std::size_t i = 0; i < order.size(); ++i) {
      const Query& q = d.queries[order[i]];
      for (std::size_t f = 0; f < splits.size(); ++f) {
        if (f == i % splits.size()) {
          splits[f].test.push_back(q);
        } else {
          splits[f].history.push_back(q);
          if (auto it = d.qrels.find(q.id); it != d.qrels.end()) splits[f].history_qrels[q.id] = it->second;
        }
      }
    }
  }
  Ranking ranking;
  for (std::size_t f = 0; f < splits.size(); ++f) {
    const std::string index_dir = fmt::format("{}/usage-{}", work, f);
    auto build = BuildFromCorpus(d.corpus_path, index_dir, build_options);
    if (!build) return Fail(build.error().errors.front());
    auto stats = SimulateUsage(index_dir, fmt::format("{}/usage-{}.sqlite", work, f), splits[f].history,
                               splits[f].history_qrels, internal);
    if (!stats) return Fail(stats.error());
    err << fmt::format("kb-relevance: {} split {}/{}: {} history queries, {} sessions, {} clicks, {} resolutions, "
                       "{} escalations, {} agent links: {} phrasings learned\n",
                       d.name, f + 1, splits.size(), splits[f].history.size(), stats->sessions, stats->clicks,
                       stats->resolutions, stats->escalations, stats->agent_links, stats->phrasings);
    if (auto r = RankInto(index_dir, splits[f].test, ranking); !r) return Fail(r.error());
  }
  return ranking;
}

// Indexes one dataset, runs every configuration and the peer, prints the
// tables. `run_file` (may be closed) receives the product's top 100.
Result<DatasetResult> Evaluate(const std::string& dataset_dir, int history_folds, std::ofstream& run_file,
                               std::ostream& out, std::ostream& err) {
  auto dataset = LoadDataset(dataset_dir);
  if (!dataset) return Fail(dataset.error());
  TempDir tmp("kb-relevance");
  const std::string index_dir = tmp.path() + "/index";
  CorpusBuildOptions options;
  options.title_required = false;
  options.synonyms_dir = dataset_dir;
  options.skip_bad_articles = true;
  auto build = BuildFromCorpus(dataset->corpus_path, index_dir, options);
  if (!build) return Fail(build.error().errors.front());
  const Corpus* corpus = &build->corpus;
  for (std::size_t i = 0; i < corpus->errors.size() && i < 10; ++i) err << corpus->errors[i].ToString() << "\n";
  if (!corpus->errors.empty()) err << fmt::format("kb-relevance: {} corpus lines skipped\n", corpus->errors.size());
  auto fts = peer::Fts5Index::Open(tmp.path() + "/fts5.sqlite");
  if (!fts) return Fail(fts.error());
  if (auto r = (*fts)->Add(corpus->articles); !r) return Fail(r.error());

  DatasetResult result;
  std::vector<std::string> rows;
  for (const Configuration& config : Ablation()) {
    auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_dir}, .ranking = config.ranking});
    if (!searcher) return Fail(searcher.error());
    const bool product = config.name == "kb";
    Ranking ranking;
    for (const Query& q : dataset->queries) {
      search::SearchRequest request;
      request.query = q.text;
      request.locale = q.locale;
      request.audience = search::Audience::kAgent;  // every article of a collection counts
      request.limit = kDepth;
      request.snippets = false;
      auto response = (*searcher)->Search(request);
      if (!response) continue;
      auto& ranked = ranking[q.id];
      int rank = 0;
      for (const search::SearchHit& hit : response->hits) {
        ranked.push_back(hit.id);
        if (product && run_file.is_open()) {
          run_file << fmt::format("{} Q0 {} {} {:.6f} kb\n", q.id, hit.id, ++rank, hit.score);
        }
      }
    }
    const Metrics m = Score(dataset->qrels, dataset->queries, ranking);
    if (product) result.kb = m;
    rows.push_back(Row(config.name, m) + (product ? std::string() : fmt::format(" {:>+8.4f}", m.ndcg10 - result.kb.ndcg10)));
  }
  Ranking fts_run;
  for (const Query& q : dataset->queries) {
    if (auto hits = (*fts)->Search(q.text, kDepth)) {
      auto& ranked = fts_run[q.id];
      for (const peer::Fts5Hit& hit : *hits) ranked.push_back(hit.id);
    }
  }
  result.fts5 = Score(dataset->qrels, dataset->queries, fts_run);
  if (dataset->has_history || history_folds > 1) {
    auto usage = RankAfterUsage(*dataset, tmp.path(), history_folds, *corpus, options, err);
    if (!usage) return Fail(usage.error());
    result.usage = Score(dataset->qrels, dataset->queries, *usage);
    rows.push_back(Row("kb+usage", *result.usage) + fmt::format(" {:>+8.4f}", result.usage->ndcg10 - result.kb.ndcg10));
  }

  out << fmt::format("dataset {}: {} articles, {} queries, {} judged queries scored\n", dataset->name,
                     corpus->articles.size(), dataset->queries.size(), result.kb.queries);
  out << fmt::format("{:<16} {:>8} {:>8} {:>10} {:>11} {:>8}\n", "system", "nDCG@10", "MRR@10", "Recall@10",
                     "Recall@100", "vs kb");
  for (const std::string& row : rows) out << row << "\n";
  out << Row("fts5", result.fts5) << fmt::format(" {:>+8.4f}\n", result.fts5.ndcg10 - result.kb.ndcg10);
  return result;
}

}  // namespace

int RunRelevance(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (AsksForHelp(args)) {
    out << kUsage;
    return 0;
  }
  std::vector<std::string> datasets;
  std::string run_path, folds_text;
  bool folds_given = false;
  FlagParser parser;
  parser.Value("run", &run_path).Value("history-folds", &folds_text, &folds_given).Positional(&datasets);
  if (auto parsed = parser.Parse(args); !parsed) {
    err << "kb-relevance: " << parsed.error().message() << "\n" << kUsage;
    return 2;
  }
  int history_folds = 0;
  if (folds_given) {
    auto [ptr, ec] = std::from_chars(folds_text.data(), folds_text.data() + folds_text.size(), history_folds);
    if (ec != std::errc() || ptr != folds_text.data() + folds_text.size() || history_folds < 2) {
      err << fmt::format("kb-relevance: --history-folds must be a whole number of at least 2, got '{}'\n", folds_text);
      return 2;
    }
  }
  if (datasets.empty()) {
    err << kUsage;
    return 2;
  }
  std::ofstream run_file;
  if (!run_path.empty()) {
    run_file.open(run_path, std::ios::trunc);
    if (!run_file) {
      err << "kb-relevance: cannot write " << run_path << "\n";
      return 1;
    }
  }
  double kb_sum = 0, fts_sum = 0, usage_sum = 0;
  bool any_history = false;
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    if (i > 0) out << "\n";
    auto r = Evaluate(datasets[i], history_folds, run_file, out, err);
    if (!r) {
      err << "kb-relevance: " << r.error().ToString() << "\n";
      return 1;
    }
    kb_sum += r->kb.ndcg10;
    fts_sum += r->fts5.ndcg10;
    // A collection without history learns nothing: kb+usage is kb.
    usage_sum += r->usage ? r->usage->ndcg10 : r->kb.ndcg10;
    any_history = any_history || r->usage.has_value();
  }
  // One dataset: its figures; several: their mean.
  const double n = static_cast<double>(datasets.size());
  if (any_history) {
    out << fmt::format("nDCG@10 kb={:.4f} fts5={:.4f} kb+usage={:.4f}\n", kb_sum / n, fts_sum / n, usage_sum / n);
  } else {
    out << fmt::format("nDCG@10 kb={:.4f} fts5={:.4f}\n", kb_sum / n, fts_sum / n);
  }
  return 0;
}

}  // namespace kb::eval
