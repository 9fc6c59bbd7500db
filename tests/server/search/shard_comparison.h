// What the shard tests compare: everything a search answers but the time it
// took, the suggestions, and the queries of an evaluation set.
#ifndef KB_TESTS_SERVER_SEARCH_SHARD_COMPARISON_H_
#define KB_TESTS_SERVER_SEARCH_SHARD_COMPARISON_H_

#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "server/search/searcher.h"

namespace kb::search {

inline std::string Describe(const Result<SearchResponse>& r) {
  if (!r) return "error: " + r.error().ToString();
  std::string out = fmt::format("total={} did_you_mean={} partial={}\n", r->total_estimate, r->did_you_mean, r->partial);
  for (const SearchHit& h : r->hits) {
    out += fmt::format("{}@{} {:.9f} {} | {} {} {} {} {}\n", h.id, h.locale, h.score, h.snippet, h.title, h.category,
                       ArticleTypeName(h.type), h.updated, AudienceName(h.audience));
    for (const TermExplanation& e : h.explanation) {
      out += fmt::format("  {} {:.9f}", e.term, e.weight);
      for (const std::string& f : e.fields) out += " " + f;
      out += "\n";
    }
  }
  for (const auto& [facet, values] : r->facets) {
    for (const auto& [value, n] : values) out += fmt::format("{}={}:{} ", facet, value, n);
  }
  return out;
}

inline std::string Titles(const Result<std::vector<Suggestion>>& r) {
  if (!r) return "error: " + r.error().ToString();
  std::string out;
  for (const Suggestion& s : *r) out += s.id + "@" + s.locale + " " + s.text + "\n";
  return out;
}

// The text column of a queries.tsv (qid, text[, locale]).
inline std::vector<std::string> Queries(const std::string& tsv) {
  std::ifstream in(tsv);
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::size_t end = line.find('\t', tab + 1);
    out.push_back(line.substr(tab + 1, end == std::string::npos ? std::string::npos : end - tab - 1));
  }
  return out;
}

}  // namespace kb::search

#endif  // KB_TESTS_SERVER_SEARCH_SHARD_COMPARISON_H_
