// Progress of a long job (a build, an import): on a terminal a bar redrawn
// in place, with the rate and the time left; elsewhere (logs, CI) a plain
// line now and then.
#ifndef KB_INDEXER_BASE_PROGRESS_H_
#define KB_INDEXER_BASE_PROGRESS_H_

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace kb {

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // Reports on `out` what `what` ("indexing") has done, in `unit`s
  // ("articles"). `terminal`: whether `out` is a terminal.
  Progress(std::ostream& out, bool terminal, std::string what, std::string unit)
      : out_(out), terminal_(terminal), what_(std::move(what)), unit_(std::move(unit)), start_(Clock::now()),
        last_(start_) {}

  // `done` of `total`, at time `now`. Draws at most every 100 ms on a
  // terminal and every 2 s elsewhere (the first time after that long, so a
  // short job prints nothing), and the last one once anything was drawn.
  void Update(std::size_t done, std::size_t total, Clock::time_point now = Clock::now());

  // Ends the bar's line on a terminal, if one was drawn.
  void Finish();

  // The line for `done` of `total` after `seconds` (without a newline).
  std::string Line(std::size_t done, std::size_t total, double seconds) const;

 private:
  std::ostream& out_;
  bool terminal_;
  std::string what_, unit_;
  Clock::time_point start_;
  Clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace kb

#endif  // KB_INDEXER_BASE_PROGRESS_H_
