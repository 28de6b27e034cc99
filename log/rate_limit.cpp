#include "log/rate_limit.h"

namespace lpsshd::log {

bool RateLimit::event(int64_t now_ms) {
  // A summary that fell due before this event is the owner's to take; if it
  // did not, the episode has been quiet for a whole interval only when
  // nothing was counted, and then this event starts a new one.
  if (open_ && counted_ == 0 && now_ms >= window_start_ms_ + interval_ms_) open_ = false;
  if (!open_) {
    open_ = true;
    window_start_ms_ = now_ms;
    counted_ = 0;
    return true;
  }
  ++counted_;
  return false;
}

uint64_t RateLimit::take_summary(int64_t now_ms) {
  if (!open_ || now_ms < window_start_ms_ + interval_ms_) return 0;
  const uint64_t n = counted_;
  counted_ = 0;
  if (n == 0) {
    open_ = false;  // a whole interval without an event: the episode is over
  } else {
    window_start_ms_ = now_ms;  // the summary is this window's loud line
  }
  return n;
}

}  // namespace lpsshd::log
