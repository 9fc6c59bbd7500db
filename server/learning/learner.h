// What customers' and agents' usage teaches: for each article, the
// phrasings (normalised queries) that led people to it and satisfied them,
// computed from the event store alone. See docs/learning.md for the
// signals, their weights and the safety rules.
#ifndef KB_SERVER_LEARNING_LEARNER_H_
#define KB_SERVER_LEARNING_LEARNER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/article.h"
#include "indexer/base/error.h"
#include "indexer/writer/index_writer.h"
#include "server/analytics/event_store.h"

namespace kb::learning {

struct LearningOptions {
  // k-anonymity: a phrasing is learned for an article only once at least
  // this many distinct clients (networks, analytics::ClientNetwork) were
  // satisfied by the article after searching it.
  int min_clients = 5;
  // ... and they are at least this share of the distinct clients who
  // searched the phrasing at all, so that a few sources cannot attach a
  // common query to an article of their choice.
  double min_share = 0.05;
  // Evidence loses half its weight in this time.
  std::int64_t half_life_ms = 90LL * 24 * 3600 * 1000;
  // Only events this recent are read.
  std::int64_t horizon_ms = 365LL * 24 * 3600 * 1000;
  // A session counts for at most this many (query, article) pairs, its
  // strongest: a session that clicks everything teaches nothing more.
  std::size_t max_pairs_per_session = 10;
  // Phrasings kept per article, the strongest.
  std::size_t max_phrasings_per_article = 20;
};

// Signal strengths, in "one satisfied client" units (docs/learning.md).
// A click is divided by its rank's examination probability, 1/rank, with
// the weight clipped at kMaxClickBoost.
inline constexpr double kClick = 0.2;
inline constexpr double kMaxClickBoost = 3;
inline constexpr double kLongView = 0.5;  // a view of at least kSatisfiedDwellMs
inline constexpr std::int64_t kSatisfiedDwellMs = 30'000;
// A view this short after a click (the customer glanced and went back)
// takes the click's evidence away: the click was a wrong guess.
inline constexpr std::int64_t kGlanceDwellMs = 10'000;
inline constexpr double kHelpful = 0.75;
inline constexpr double kResolve = 1;
inline constexpr double kAgentLink = 1;  // a ticket's linked article, an agent's use
// Negative: an explicit outcome outweighs behaviour. A vote weighs the same
// either way; an escalation as much as a resolution, against each article
// viewed for the search before it.
inline constexpr double kUnhelpful = 0.75;
inline constexpr double kEscalation = 1;

// The strength of a click at 1-based `position`.
double ClickStrength(int position);

struct Phrasing {
  std::string text;      // the normalised query
  std::string language;  // of the searches; "" when they named no locale
  bool agent = false;    // learned from agents' lookups: for agents' searches only
  double weight = 0;     // per client its decayed satisfaction, at most 1; summed
  int clients = 0;       // distinct clients it satisfied
  int sessions = 0;      // distinct sessions it satisfied
  int searchers = 0;     // distinct clients who searched it

  bool operator==(const Phrasing&) const = default;
};

struct Learned {
  // article id -> its phrasings, strongest first.
  std::map<std::string, std::vector<Phrasing>> articles;
  // What was read and what was held back, for the report.
  std::size_t events = 0;
  std::size_t sessions = 0;
  std::size_t candidates = 0;      // (phrasing, article) pairs with any satisfaction
  std::size_t too_few_clients = 0; // held back by min_clients or min_share
  std::size_t private_text = 0;    // held back by MayBeLearned
  std::size_t rejected = 0;        // held back by an admin's rejection
};

// A phrasing an admin rejected for an article: it is never learned for it.
using Rejections = std::set<std::pair<std::string, std::string>>;  // (article id, text)

// Learns from the events of [now_ms - horizon_ms, now_ms).
Result<Learned> Learn(analytics::EventStore& events, std::int64_t now_ms, const LearningOptions& options,
                      const Rejections& rejected = {});

// Whether a normalised query may be learned at all: never one with a word
// that looks like private data, i.e. an e-mail address, a domain or URL
// (a word with '@', '.', '/' or ':'), a number of four digits or more (order,
// phone, account numbers) or a long mix of letters and digits (keys,
// tokens, serial numbers).
bool MayBeLearned(std::string_view normalised_query);

// What `learned` holds for `article`, stored under its id in
// `translations` locales: the phrasings of its id in its language, and
// those whose searches named no locale when the id has no other
// translation. Agents' phrasings stay agents'.
std::vector<LearnedPhrasing> PhrasingsFor(const Learned& learned, const Article& article, int translations);

struct LearnRun {
  Learned learned;
  LearnedUpdate index;
};

// Learns from `events` and gives the live index in `index_dir` what was
// learned: only the articles whose phrasings changed are rewritten. The
// store's rejections (EventStore::Rejections) are never learned, besides
// `rejected`.
Result<LearnRun> LearnIntoIndex(analytics::EventStore& events, const std::string& index_dir, std::int64_t now_ms,
                                const LearningOptions& options, const Rejections& rejected = {});

// An admin's rejection of the learned phrasing `text` (normalised as
// queries are) for the article `article_id`, for good: stored in `events`,
// then taken out of the article's documents in the live index at once.
// Returns the normalised text and the index update. kInvalidArgument for an
// empty id or text; the rejection is stored even when the index cannot be
// updated (kUnavailable while a build holds its lock): the next learning
// run leaves the phrasing out.
struct Rejected {
  std::string text;
  LearnedUpdate index;
};
Result<Rejected> Reject(analytics::EventStore& events, const std::string& index_dir, const std::string& article_id,
                        const std::string& text, std::int64_t now_ms);

}  // namespace kb::learning

#endif  // KB_SERVER_LEARNING_LEARNER_H_
