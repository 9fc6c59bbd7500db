// Time as kbsearch stores and prints it: milliseconds since the Unix epoch,
// UTC, written as ISO 8601.
#ifndef KB_INDEXER_BASE_TIME_H_
#define KB_INDEXER_BASE_TIME_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "indexer/base/error.h"

namespace kb {

inline constexpr std::int64_t kHourMs = 3600 * 1000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

// Milliseconds since the Unix epoch, now.
std::int64_t NowMs();

// ISO 8601 UTC: "2026-11-23T10:00:00.000Z", or "2026-11-23".
std::string FormatTime(std::int64_t ms);
std::string FormatDate(std::int64_t ms);

// Parses an ISO 8601 date ("2026-11-23") or date-time ("2026-11-23T10:00",
// "...:30Z", "...:30.250+01:00"; no zone means UTC) into milliseconds since
// the epoch. A date alone is its first instant; `end_of_day` makes it the
// first instant of the next day instead (for an inclusive "to").
Result<std::int64_t> ParseTime(std::string_view text, bool end_of_day = false);

// "24h", "30m", "90s", "2d", "500ms" or a number of seconds: positive, at most ten
// years.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace kb

#endif  // KB_INDEXER_BASE_TIME_H_
