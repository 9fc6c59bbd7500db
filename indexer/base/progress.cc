#include "indexer/base/progress.h"

#include <fmt/core.h>

namespace kb {

std::string Progress::Line(std::size_t done, std::size_t total, double seconds) const {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string eta = "-";
  if (rate > 0 && done < total) eta = fmt::format("{:.0f} s", static_cast<double>(total - done) / rate);
  if (done >= total) eta = "done";
  const int pct = total == 0 ? 100 : static_cast<int>(100 * done / total);
  if (!terminal_) {
    return fmt::format("{}: {}/{} {} ({}%), {:.0f} {}/s, ETA {}", what_, done, total, unit_, pct, rate, unit_, eta);
  }
  constexpr int kWidth = 30;
  const int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
  return fmt::format("{} [{}{}] {:>3}% {}/{} {}  {:.0f}/s  ETA {}", what_, std::string(filled, '#'),
                     std::string(kWidth - filled, '.'), pct, done, total, unit_, rate, eta);
}

void Progress::Update(std::size_t done, std::size_t total, Clock::time_point now) {
  const auto every = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
  const bool last = done >= total;
  if (now - last_ < every && !(last && drawn_)) return;
  if (last && !drawn_) return;  // a short job needs no progress
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  if (terminal_) {
    out_ << '\r' << Line(done, total, seconds) << "\x1b[K" << std::flush;
  } else {
    out_ << Line(done, total, seconds) << '\n' << std::flush;
  }
  drawn_ = true;
}

void Progress::Finish() {
  if (terminal_ && drawn_) out_ << '\n' << std::flush;
  drawn_ = false;
}

}  // namespace kb
