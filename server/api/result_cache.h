// A least-recently-used cache of search results, kept as the JSON the API
// answers with (less what differs per request). Help-center traffic repeats
// itself ("reset password" again and again), so most searches are answered
// here without touching the index or building JSON. Keys are built by the
// caller from the normalised query, filters, audience and page; the cache is
// cleared whenever the index changes. Safe for concurrent use.
#ifndef KB_SERVER_API_RESULT_CACHE_H_
#define KB_SERVER_API_RESULT_CACHE_H_

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <memory>

namespace kb::api {

// One cached answer: the response's JSON members (without the enclosing
// braces) and the number of matches, which analytics logs.
struct CachedResults {
  std::string json;
  std::int64_t total = 0;
};

class ResultCache {
 public:
  explicit ResultCache(std::size_t capacity) : capacity_(capacity) {}

  // The cached response for `key` made from index `epoch`, if any.
  using Value = std::shared_ptr<const CachedResults>;

  Value Get(const std::string& key, std::uint64_t epoch);
  void Put(const std::string& key, std::uint64_t epoch, Value value);

  std::size_t size() const;

 private:
  using Entry = std::pair<std::string, Value>;
  void ClearIfStale(std::uint64_t epoch);

  std::size_t capacity_;
  mutable std::mutex mu_;
  std::uint64_t epoch_ = 0;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace kb::api

#endif  // KB_SERVER_API_RESULT_CACHE_H_
