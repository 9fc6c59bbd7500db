// Remote shards: index databases that xapian-tcpsrv serves, searched
// together with a local lexicon (docs/scaling.md), and what the Searchers
// of one process know of the ones that do not answer.
#ifndef KB_SERVER_SEARCH_SHARDS_H_
#define KB_SERVER_SEARCH_SHARDS_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "indexer/base/error.h"

namespace kb::search {

// How long a shard that did not answer is left alone before one Searcher
// tries it again.
inline constexpr std::chrono::milliseconds kShardRetry{5000};

// Whether `path` names a remote shard ("tcp://host:port") rather than a
// directory.
bool IsRemoteShard(std::string_view path);

struct ShardAddress {
  std::string host;
  unsigned port = 0;
};

// "tcp://host:port" (host a name, an IPv4 address or a bracketed IPv6 one;
// port 1 to 65535, nothing after it); kInvalidArgument naming what is wrong.
Result<ShardAddress> ParseShardAddress(std::string_view path);

// The shards of one process that did not answer, shared by its Searchers:
// the first that meets one down tells the others, which then search
// without it instead of each waiting for it to time out; and only one of
// them tries it again every `retry` (default kShardRetry). Thread-safe.
class ShardHealth {
 public:
  explicit ShardHealth(std::chrono::milliseconds retry = kShardRetry) : retry_(retry) {}

  // Whether a Searcher should (re)connect to `path` now: true when it is
  // not known to be down, and for one caller once its retry time has come
  // (the next chance is `retry` later).
  bool ShouldTry(const std::string& path);
  // Whether `path` is known to be down.
  bool IsDown(const std::string& path) const;
  void MarkDown(const std::string& path);
  void MarkUp(const std::string& path);
  // How many shards are known to be down.
  int DownCount() const;

 private:
  const std::chrono::milliseconds retry_;
  mutable std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> retry_at_;  // the shards down
};

}  // namespace kb::search

#endif  // KB_SERVER_SEARCH_SHARDS_H_
