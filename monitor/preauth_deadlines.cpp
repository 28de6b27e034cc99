#include "monitor/preauth_deadlines.h"

#include <algorithm>

namespace lpsshd::monitor {

PreauthDeadlines preauth_deadlines(uint32_t login_grace_time_s) {
  constexpr int64_t kVersionMin = 5000, kVersionMax = 10000;
  constexpr int64_t kKexMin = 10000, kKexMax = 30000;
  PreauthDeadlines d;
  d.grace_ms = int64_t{login_grace_time_s} * 1000;
  if (d.grace_ms == 0) {
    d.version_ms = kVersionMax;
    d.kex_ms = kKexMax;
    return d;
  }
  d.version_ms = std::min(std::clamp(d.grace_ms / 12, kVersionMin, kVersionMax), d.grace_ms);
  d.kex_ms = std::min(std::clamp(d.grace_ms / 4, kKexMin, kKexMax), d.grace_ms);
  return d;
}

const char* preauth_stage_missing(PreauthStage s) {
  switch (s) {
    case PreauthStage::kVersion: return "no version and key exchange init";
    case PreauthStage::kKex: return "key exchange not completed";
    case PreauthStage::kAuth: return "not authenticated";
  }
  return "";
}

}  // namespace lpsshd::monitor
