#include "sshd/admission.h"

#include <algorithm>

#include "monitor/host_pattern.h"
#include "monitor/listener_protocol.h"

namespace lpsshd::sshd {

namespace lp = listener_protocol;

Admission::Admission(const config::Config& cfg)
    : max_startups_(cfg.max_startups), per_source_(cfg.per_source_max_startups),
      bits_v4_(cfg.per_source_netblock_v4), bits_v6_(cfg.per_source_netblock_v6),
      penalties_(cfg.penalties), exempt_(cfg.penalty_exempt) {}

Admission::Block Admission::block_of(const SourceAddress& src) const {
  Block b{src.v6, {}};
  const int bits = src.v6 ? bits_v6_ : bits_v4_;
  for (int i = 0; i < 16 && i * 8 < bits; ++i) {
    const int keep = std::min(8, bits - i * 8);
    b.second[static_cast<size_t>(i)] = static_cast<uint8_t>(src.bytes[static_cast<size_t>(i)] & (0xff << (8 - keep)));
  }
  return b;
}

bool Admission::exempt(const SourceAddress& src) const {
  for (const auto& e : exempt_)
    if (authkeys::match_host_patterns(e, src.text, "") == authkeys::PatternMatch::kMatch) return true;
  return false;
}

int64_t Admission::penalty_left(const SourceAddress& src, int64_t now_s) const {
  auto it = penalties_by_block_.find(block_of(src));
  return it == penalties_by_block_.end() || it->second.until <= now_s ? 0 : it->second.until - now_s;
}

bool Admission::penalised(const SourceAddress& src, int64_t now_s) const {
  auto it = penalties_by_block_.find(block_of(src));
  return it != penalties_by_block_.end() && it->second.active && it->second.until > now_s;
}

int Admission::good_reserve() const { return std::max(10, max_startups_.full / 10); }

bool Admission::known_good(const Block& b, int64_t now_s) const {
  auto it = good_.find(b);
  return it != good_.end() && now_s - it->second < kGoodSourceSeconds;
}

bool Admission::known_good(const SourceAddress& src, int64_t now_s) const {
  return known_good(block_of(src), now_s);
}

Admission::Verdict Admission::check(const SourceAddress& src, int64_t now_s, int random_percent) const {
  if (penalties_.enabled && !exempt(src) && penalised(src, now_s)) return Verdict::kPenalty;
  const Block b = block_of(src);
  if (per_source_ > 0) {
    auto it = unauth_per_block_.find(b);
    if (it != unauth_per_block_.end() && it->second >= per_source_) return Verdict::kPerSource;
  }
  if (good_unauthenticated_ < good_reserve() && known_good(b, now_s)) return Verdict::kAdmit;
  const int n = unauthenticated_;
  const auto& m = max_startups_;
  if (n >= m.full) return Verdict::kFull;
  if (n >= m.start) {
    // Drop probability rises linearly from rate% at start to 100% at full.
    const int p = m.full == m.start ? 100 : m.rate + (100 - m.rate) * (n - m.start) / (m.full - m.start);
    if (random_percent < p) return Verdict::kRandomDrop;
  }
  return Verdict::kAdmit;
}

void Admission::started(pid_t monitor, const SourceAddress& src, int64_t now_s) {
  clock_s_ = std::max(clock_s_, now_s);
  Conn c{block_of(src), src, false, false};
  // Counted in the reserve whether or not it was needed to admit it: the
  // reserve bounds how many known-good start-ups there are at once.
  c.good = known_good(c.block, clock_s_);
  ++unauth_per_block_[c.block];
  ++unauthenticated_;
  if (c.good) ++good_unauthenticated_;
  conns_[monitor] = std::move(c);
}

void Admission::release(Conn& c) {
  if (c.authenticated) return;
  c.authenticated = true;
  if (--unauth_per_block_[c.block] <= 0) unauth_per_block_.erase(c.block);
  --unauthenticated_;
  if (c.good) --good_unauthenticated_;
}

void Admission::authenticated(pid_t monitor, int64_t now_s) {
  clock_s_ = std::max(clock_s_, now_s);
  auto it = conns_.find(monitor);
  if (it == conns_.end() || it->second.authenticated) return;
  release(it->second);
  const Block& b = it->second.block;
  if (good_.size() >= kMaxGoodSources && good_.find(b) == good_.end()) {
    // Full: the block that authenticated longest ago makes room.
    auto oldest = std::min_element(good_.begin(), good_.end(),
                                   [](const auto& x, const auto& y) { return x.second < y.second; });
    good_.erase(oldest);
  }
  good_[b] = now_s;
}

void Admission::ended(pid_t monitor, int exit_code, int64_t now_s) {
  clock_s_ = std::max(clock_s_, now_s);
  auto it = conns_.find(monitor);
  if (it == conns_.end()) return;
  release(it->second);  // no longer counted as a start-up either way
  const Conn c = it->second;
  conns_.erase(it);
  if (!penalties_.enabled || exempt(c.src)) return;
  uint32_t add = 0;
  const char* reason = nullptr;
  switch (exit_code) {
    case lp::kExitAuthFail: add = penalties_.authfail; reason = "penalty: failed authentication"; break;
    case lp::kExitNoAuth:
      add = penalties_.noauth;
      reason = "penalty: connections without attempting authentication";
      break;
    case lp::kExitGraceExceeded: add = penalties_.grace_exceeded; reason = "penalty: exceeded LoginGraceTime"; break;
    case lp::kExitCrash: add = penalties_.crash; reason = "penalty: caused crash"; break;
    default: return;
  }
  if (add == 0) return;
  Penalty& p = penalties_by_block_[c.block];
  if (p.until <= now_s) p = Penalty{};  // an expired penalty starts over
  p.until = std::min(std::max(p.until, now_s) + add, now_s + static_cast<int64_t>(penalties_.max));
  if (p.until - now_s >= static_cast<int64_t>(penalties_.min)) p.active = true;
  p.reason = reason;
  // Forget expired entries now and then, so the table stays small.
  if (penalties_by_block_.size() > 65536)
    std::erase_if(penalties_by_block_, [now_s](const auto& kv) { return kv.second.until <= now_s; });
}

const char* Admission::describe(Verdict v) {
  switch (v) {
    case Verdict::kAdmit: return "admitted";
    case Verdict::kFull: return "past MaxStartups";
    case Verdict::kRandomDrop: return "past MaxStartups (random early drop)";
    case Verdict::kPerSource: return "past PerSourceMaxStartups";
    case Verdict::kPenalty: return "penalty: source is penalised";
  }
  return "";
}

const char* Admission::penalty_reason(const SourceAddress& src) const {
  auto it = penalties_by_block_.find(block_of(src));
  if (it == penalties_by_block_.end() || it->second.reason == nullptr) return describe(Verdict::kPenalty);
  return it->second.reason;
}

uint32_t UidPool::take(uint32_t start_hint) {
  const size_t n = used_.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t k = (start_hint + i) % n;
    if (!used_[k]) {
      used_[k] = true;
      return first_ + static_cast<uint32_t>(k);
    }
  }
  return 0;
}

void UidPool::give_back(uint32_t uid) {
  if (uid >= first_ && uid - first_ < used_.size()) used_[uid - first_] = false;
}

}  // namespace lpsshd::sshd
