// Request guards that do not need the index: key checks, per-client rate
// limits, CORS.
#ifndef KB_SERVER_API_GUARDS_H_
#define KB_SERVER_API_GUARDS_H_

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kb::api {

// Compares in time that depends only on the lengths, not on where the
// strings differ, so a key cannot be guessed byte by byte.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// True when `key` equals one of `keys` (each compared in constant time, and
// all of them compared).
bool KeyMatches(std::string_view key, const std::vector<std::string>& keys);

// The key of an "Authorization: Bearer <key>" header, or "" when there is
// none or it is not a bearer token.
std::string BearerKey(std::string_view authorization);

// A token bucket per client: `rate` tokens a second up to `burst`. Safe for
// concurrent use.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes a token for `client`. Returns 0 when allowed, else the whole
  // seconds to wait before a token is back (at least 1).
  int Take(const std::string& client, Clock::time_point now = Clock::now());

  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_{};
};

// Whether `origin` may read responses: listed exactly, or "*" listed.
bool OriginAllowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace kb::api

#endif  // KB_SERVER_API_GUARDS_H_
