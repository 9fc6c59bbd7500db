// What the SQLite and PostgreSQL event stores share about the rows they
// keep: how a ticket's article ids fit in one column, which events start a
// help session, the writer's cache of session starts already written, and
// the store's client key as text.
#ifndef KB_SERVER_ANALYTICS_STORE_ROWS_H_
#define KB_SERVER_ANALYTICS_STORE_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/base/siphash.h"
#include "server/analytics/event.h"

namespace kb::analytics::rows {

// A ticket's article ids in one text column, separated by spaces (ids hold
// no whitespace).
std::string JoinArticleIds(const std::vector<std::string>& ids);
void SplitArticleIds(std::string_view joined, std::vector<std::string>& out);

// The language of the help session `e` starts or continues (a search or a
// view on a customer channel; "" for no locale), or nullopt for an event
// that starts none.
std::optional<std::string> SessionStartLanguage(const Event& e);

// The (session, channel, language) starts a writer has written, with the
// earliest time written: a later event of a known start changes nothing, so
// its row need not be written again. Bounded: it forgets everything when
// full. Clear it whenever a write may have been rolled back.
class KnownStarts {
 public:
  // Whether the start of `e` (in `language`) must be written: true unless
  // one at or before e.time_ms was. Remembers it as written.
  bool NeedsWrite(const Event& e, const std::string& language);
  void Clear() { starts_.clear(); }

 private:
  static constexpr std::size_t kMax = 200000;
  std::unordered_map<std::string, std::int64_t> starts_;
};

// A new client key, made at random, as 32 hex digits.
std::string NewClientKeyHex();
// The key stored as `hex`; kDataLoss naming `store` when it is not 32 hex
// digits.
Result<SipKey> ParseClientKeyHex(const std::string& hex, std::string_view store);

}  // namespace kb::analytics::rows

#endif  // KB_SERVER_ANALYTICS_STORE_ROWS_H_
