// A retrieval test collection: queries.tsv and qrels.tsv (the corpus is read
// by the project's own JSONL reader). Format: see ../shared/eval/README.md.
#ifndef KB_BENCH_EVAL_DATASET_H_
#define KB_BENCH_EVAL_DATASET_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb::eval {

struct Query {
  std::string id;
  std::string text;
  std::string locale;  // BCP 47, canonical; "" when the collection names none
};

// qid -> (docid -> graded relevance).
using Qrels = std::map<std::string, std::map<std::string, int>>;

// Parses "qid<TAB>text" lines after a header line, each with an optional
// third column, the query's locale ("de", "ja"), in which it is analysed and
// searched. Errors carry the line.
Result<std::vector<Query>> ParseQueries(std::string_view tsv);

// Parses "query-id<TAB>corpus-id<TAB>score" lines after a header line.
Result<Qrels> ParseQrels(std::string_view tsv);

struct Dataset {
  std::string name;
  std::string corpus_path;  // corpus.jsonl, or else a corpus/ directory of Markdown articles
  std::vector<Query> queries;
  Qrels qrels;
  // Past customers' queries and the articles that answered them
  // (history.tsv, history-qrels.tsv), when the collection has them.
  std::vector<Query> history;
  Qrels history_qrels;
  bool has_history = false;
};

// Loads DIR/queries.tsv and DIR/qrels.tsv, and DIR/history.tsv with
// DIR/history-qrels.tsv when both are there (one without the other is an
// error), and finds DIR/corpus.jsonl (or a DIR/corpus/ directory); errors
// carry the file path. Synonyms, if any, are in DIR/synonyms/ as in a
// corpus.
Result<Dataset> LoadDataset(const std::string& dir);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_DATASET_H_
