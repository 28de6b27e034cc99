// Log lines a peer can cause at will (refused connections, accept errors)
// must not let it flood the log. RateLimit turns a stream of such events into
// at most one loud line per interval: the first event of a quiet period is
// logged in full at its own level (the admin sees at once that something
// started, and from where); the events after it are logged only at VERBOSE
// and counted; once per interval, while any were counted, one summary line
// says how many. An interval with no event at all ends the episode, and the
// next event is loud again.
//
// Pure: the clock is an argument, so the unit test drives it exactly. The
// owner calls summary_due() to know when to wake and take_summary() then,
// so a count is reported even if the flood stops right after it.
#pragma once

#include <cstdint>
#include <limits>

namespace lpsshd::log {

class RateLimit {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  explicit RateLimit(int64_t interval_ms) : interval_ms_(interval_ms) {}

  // An event at now_ms. True: log it in full (it opens an episode). False:
  // it was counted for the next summary; log it only at VERBOSE.
  bool event(int64_t now_ms);

  // When take_summary() has something to do (kNever outside an episode).
  int64_t summary_due() const { return open_ ? window_start_ms_ + interval_ms_ : kNever; }

  // At or after summary_due(): the number of events counted since the last
  // loud line (0: none, and the episode is over), and a new window starts.
  // Before it: 0, and nothing changes.
  uint64_t take_summary(int64_t now_ms);

  // Whatever is counted, now (for a summary when the daemon stops).
  uint64_t take_pending() {
    const uint64_t n = counted_;
    counted_ = 0;
    open_ = false;
    return n;
  }

  int64_t interval_ms() const { return interval_ms_; }

 private:
  int64_t interval_ms_;
  bool open_ = false;          // within an episode
  int64_t window_start_ms_ = 0;  // when the last loud line was logged
  uint64_t counted_ = 0;       // events since then, logged at VERBOSE only
};

}  // namespace lpsshd::log
