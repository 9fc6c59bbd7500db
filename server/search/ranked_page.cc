#include "server/search/ranked_page.h"

#include <algorithm>
#include <cmath>

namespace kb::search {

namespace {

// Matches ranked beyond the end of a page, and the most ranked beyond it to
// see a long tie whole.
constexpr Xapian::doccount kTieMargin = 4;
constexpr Xapian::doccount kMaxTieMargin = 1000;

// `score` to 9 decimals: what differs beyond is the order in which a sum was
// added up.
double Rounded(double score) { return std::round(score * 1e9) / 1e9; }

}  // namespace

RankedPage RankPage(Xapian::Enquire& enquire, Xapian::doccount offset, Xapian::doccount limit,
                    Xapian::doccount check_at_least) {
  // Ranked from the top, as far as the last score of the page goes: the
  // matcher orders near-ties by their last bits, so a tie on either edge
  // of the page is only known whole from there. The match spies count the
  // first run only.
  const Xapian::doccount end = offset + limit;
  RankedPage page;
  for (Xapian::doccount margin = kTieMargin;; margin *= 2) {
    page.mset = enquire.get_mset(0, end + margin, check_at_least);
    enquire.clear_matchspies();
    const Xapian::doccount size = page.mset.size();
    if (size < end + margin || margin >= kMaxTieMargin) break;
    if (Rounded(page.mset[size - 1].get_weight()) < Rounded(page.mset[end - 1].get_weight())) break;
  }
  const Xapian::MSet& mset = page.mset;
  std::vector<RankedMatch>& matches = page.matches;
  Xapian::doccount rank = 0;
  for (auto it = mset.begin(); it != mset.end(); ++it, ++rank) matches.push_back({Rounded(it.get_weight()), *it, rank, it});
  std::sort(matches.begin(), matches.end(), [](const RankedMatch& a, const RankedMatch& b) {
    return a.score != b.score ? a.score > b.score : a.docid < b.docid;
  });
  matches.erase(matches.begin(), matches.begin() + std::min<std::ptrdiff_t>(offset, std::ssize(matches)));
  if (matches.size() > limit) matches.resize(limit);
  if (!matches.empty()) {
    // The page's documents at once: one round trip per remote shard.
    const auto [lo, hi] = std::minmax_element(matches.begin(), matches.end(),
                                              [](const RankedMatch& a, const RankedMatch& b) { return a.rank < b.rank; });
    mset.fetch(mset[lo->rank], ++mset[hi->rank]);
  }
  return page;
}

}  // namespace kb::search
