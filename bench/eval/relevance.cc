#include "bench/eval/relevance.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "bench/eval/dataset.h"
#include "bench/eval/metrics.h"
#include "bench/peer/fts5.h"
#include "indexer/base/temp_dir.h"
#include "indexer/corpus/corpus_reader.h"
#include "indexer/writer/index_writer.h"
#include "server/search/searcher.h"

namespace kb::eval {

namespace {

constexpr std::string_view kUsage = "usage: kb-relevance DATASET_DIR [--run FILE]\n";
constexpr int kDepth = 100;

std::string Row(std::string_view name, const Metrics& m) {
  return fmt::format("{:<8} {:>8.4f} {:>8.4f} {:>10.4f} {:>11.4f}\n", name, m.ndcg10, m.mrr10, m.recall10,
                     m.recall100);
}

}  // namespace

int RunRelevance(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string dataset_dir, run_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--run" && i + 1 < args.size()) {
      run_path = args[++i];
    } else if (args[i] == "--help" || args[i] == "-h") {
      out << kUsage;
      return 0;
    } else if (!args[i].starts_with("--") && dataset_dir.empty()) {
      dataset_dir = args[i];
    } else {
      err << "kb-relevance: unexpected argument '" << args[i] << "'\n" << kUsage;
      return 2;
    }
  }
  if (dataset_dir.empty()) {
    err << kUsage;
    return 2;
  }

  auto dataset = LoadDataset(dataset_dir);
  if (!dataset) {
    err << "kb-relevance: " << dataset.error().ToString() << "\n";
    return 1;
  }
  auto corpus = ReadCorpus(dataset->corpus_path, /*title_required=*/false);
  if (!corpus) {
    err << "kb-relevance: " << corpus.error().ToString() << "\n";
    return 1;
  }
  for (std::size_t i = 0; i < corpus->errors.size() && i < 10; ++i) err << corpus->errors[i].ToString() << "\n";
  if (!corpus->errors.empty()) {
    err << fmt::format("kb-relevance: {} corpus lines skipped\n", corpus->errors.size());
  }

  TempDir tmp("kb-relevance");
  const std::string index_dir = tmp.path() + "/index";
  auto built = BuildIndex(corpus->articles, index_dir);
  if (!built) {
    err << "kb-relevance: " << built.error().ToString() << "\n";
    return 1;
  }
  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_dir}});
  if (!searcher) {
    err << "kb-relevance: " << searcher.error().ToString() << "\n";
    return 1;
  }
  auto fts = peer::Fts5Index::Open(tmp.path() + "/fts5.sqlite");
  if (!fts) {
    err << "kb-relevance: " << fts.error().ToString() << "\n";
    return 1;
  }
  if (auto r = (*fts)->Add(corpus->articles); !r) {
    err << "kb-relevance: " << r.error().ToString() << "\n";
    return 1;
  }

  std::ofstream run_file;
  if (!run_path.empty()) {
    run_file.open(run_path, std::ios::trunc);
    if (!run_file) {
      err << "kb-relevance: cannot write " << run_path << "\n";
      return 1;
    }
  }

  Ranking kb_run, fts_run;
  for (const Query& q : dataset->queries) {
    search::SearchRequest request;
    request.query = q.text;
    request.audience = search::Audience::kAgent;  // every article of a collection counts
    request.limit = kDepth;
    request.snippets = false;
    if (auto response = (*searcher)->Search(request)) {
      auto& ranked = kb_run[q.id];
      int rank = 0;
      for (const search::SearchHit& hit : response->hits) {
        ranked.push_back(hit.id);
        if (run_file.is_open()) run_file << fmt::format("{} Q0 {} {} {:.6f} kb\n", q.id, hit.id, ++rank, hit.score);
      }
    }
    if (auto hits = (*fts)->Search(q.text, kDepth)) {
      auto& ranked = fts_run[q.id];
      for (const peer::Fts5Hit& hit : *hits) ranked.push_back(hit.id);
    }
  }

  const Metrics kb = Score(dataset->qrels, dataset->queries, kb_run);
  const Metrics fts5 = Score(dataset->qrels, dataset->queries, fts_run);
  out << fmt::format("dataset {}: {} articles, {} queries, {} judged queries scored\n", dataset->name,
                     corpus->articles.size(), dataset->queries.size(), kb.queries);
  out << fmt::format("{:<8} {:>8} {:>8} {:>10} {:>11}\n", "system", "nDCG@10", "MRR@10", "Recall@10", "Recall@100");
  out << Row("kb", kb) << Row("fts5", fts5);
  out << fmt::format("nDCG@10 kb={:.4f} fts5={:.4f}\n", kb.ndcg10, fts5.ndcg10);
  return 0;
}

}  // namespace kb::eval
