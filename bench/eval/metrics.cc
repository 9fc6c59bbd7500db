#include "bench/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace kb::eval {

Metrics Score(const Qrels& qrels, const std::vector<Query>& queries, const Ranking& run) {
  std::set<std::string> asked;
  for (const Query& q : queries) asked.insert(q.id);
  Metrics m;
  for (const auto& [qid, judged] : qrels) {
    if (!asked.contains(qid)) continue;
    std::map<std::string, int> rel;
    for (const auto& [doc, grade] : judged) {
      if (grade >= 1) rel[doc] = grade;
    }
    if (rel.empty()) continue;
    ++m.queries;

    std::vector<std::string> ranked;
    if (auto it = run.find(qid); it != run.end()) {
      std::set<std::string> seen;
      for (const std::string& d : it->second) {
        if (seen.insert(d).second) ranked.push_back(d);
      }
    }
    auto gain_at = [&](std::size_t i) {
      auto r = rel.find(ranked[i]);
      return r == rel.end() ? 0 : r->second;
    };
    double dcg = 0;
    double rr = 0;
    int hits10 = 0, hits100 = 0;
    for (std::size_t i = 0; i < ranked.size() && i < 100; ++i) {
      const int g = gain_at(i);
      if (i < 10) {
        dcg += (std::pow(2.0, g) - 1) / std::log2(static_cast<double>(i) + 2);
        if (g > 0 && rr == 0) rr = 1.0 / static_cast<double>(i + 1);
        hits10 += g > 0;
      }
      hits100 += g > 0;
    }
    std::vector<int> ideal;
    for (const auto& [doc, g] : rel) ideal.push_back(g);
    std::sort(ideal.rbegin(), ideal.rend());
    double idcg = 0;
    for (std::size_t i = 0; i < ideal.size() && i < 10; ++i) {
      idcg += (std::pow(2.0, ideal[i]) - 1) / std::log2(static_cast<double>(i) + 2);
    }
    m.ndcg10 += dcg / idcg;
    m.mrr10 += rr;
    m.recall10 += static_cast<double>(hits10) / static_cast<double>(rel.size());
    m.recall100 += static_cast<double>(hits100) / static_cast<double>(rel.size());
  }
  if (m.queries > 0) {
    const double n = m.queries;
    m.ndcg10 /= n;
    m.mrr10 /= n;
    m.recall10 /= n;
    m.recall100 /= n;
  }
  return m;
}

}  // namespace kb::eval
