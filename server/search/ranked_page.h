// One page of a ranking, in an order that does not depend on how the index
// is split: scores that differ only in the last bits of a floating-point sum
// (a sharded index adds the same parts in another order) rank as equal, by
// document order. What makes a sharded index rank as one (docs/scaling.md).
#ifndef KB_SERVER_SEARCH_RANKED_PAGE_H_
#define KB_SERVER_SEARCH_RANKED_PAGE_H_

#include <vector>

#include <xapian.h>

namespace kb::search {

struct RankedMatch {
  double score;  // rounded to 9 decimals
  Xapian::docid docid;
  Xapian::doccount rank;    // in RankedPage::mset
  Xapian::MSetIterator it;  // into RankedPage::mset, its document fetched
};

struct RankedPage {
  Xapian::MSet mset;  // for the estimates and the match spies
  std::vector<RankedMatch> matches;
};

// Matches `offset` to `offset + limit - 1` of `enquire`'s query, checking
// at least `check_at_least` documents; their documents are fetched at once
// (one round trip per remote shard). Every tie at the edges of the page is
// seen whole, up to 1,000 matches beyond it. Clears `enquire`'s match spies
// after they counted.
RankedPage RankPage(Xapian::Enquire& enquire, Xapian::doccount offset, Xapian::doccount limit,
                    Xapian::doccount check_at_least = 0);

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_RANKED_PAGE_H_
