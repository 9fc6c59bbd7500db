#include "indexer/base/time.h"

#include <charconv>
#include <chrono>
#include <ctime>

#include <fmt/core.h>

namespace kb {

namespace {

// Digits at s[i, i+n) as a number, or -1.
int Digits(std::string_view s, std::size_t i, std::size_t n) {
  if (i + n > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

std::int64_t DaysFromCivil(int y, int m, int d) {  // Howard Hinnant's algorithm
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTime(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ((ms % 1000) + 1000) % 1000);
}

std::string FormatDate(std::int64_t ms) { return FormatTime(ms).substr(0, 10); }

Result<std::int64_t> ParseTime(std::string_view s, bool end_of_day) {
  auto bad = [&] {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not an ISO 8601 date or date-time such as 2026-11-23 or 2026-11-23T10:00:00Z", s)));
  };
  const int y = Digits(s, 0, 4), mo = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (s.size() < 10 || y < 0 || mo < 1 || mo > 12 || d < 1 || s[4] != '-' || s[7] != '-') return bad();
  if (d > DaysInMonth(y, mo)) return bad();
  std::int64_t ms = DaysFromCivil(y, mo, d) * kDayMs;
  if (s.size() == 10) return end_of_day ? ms + kDayMs : ms;
  if (s[10] != 'T' && s[10] != ' ') return bad();
  const int h = Digits(s, 11, 2), mi = Digits(s, 14, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s.size() < 16 || s[13] != ':') return bad();
  ms += h * kHourMs + mi * 60000LL;
  std::size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    const int sec = Digits(s, i + 1, 2);
    if (sec < 0 || sec > 60) return bad();
    ms += sec * 1000LL;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      std::size_t j = i + 1;
      int frac = 0, digits = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
        if (digits < 3) frac = frac * 10 + (s[j] - '0'), ++digits;
        ++j;
      }
      if (j == i + 1) return bad();
      while (digits < 3) frac *= 10, ++digits;
      ms += frac;
      i = j;
    }
  }
  if (i == s.size() || (s[i] == 'Z' && i + 1 == s.size())) return ms;
  if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && s[i + 3] == ':') {
    const int oh = Digits(s, i + 1, 2), om = Digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return bad();
    const std::int64_t offset = oh * kHourMs + om * 60000LL;
    return s[i] == '+' ? ms - offset : ms + offset;
  }
  return bad();
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit.empty() || unit == "s") scale = 1000;
  if (unit == "m") scale = 60000;
  if (unit == "h") scale = kHourMs;
  if (unit == "d") scale = kDayMs;
  if (ec != std::errc() || end == text.data() || n <= 0 || scale == 0 || n > 3650 * kDayMs / scale) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not a duration: use a positive number with ms, s, m, h or d, such as 24h", text)));
  }
  return std::chrono::milliseconds(n * scale);
}

}  // namespace kb
