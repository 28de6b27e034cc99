// Admission control in the listener, decided before any fork: MaxStartups
// (random early drop), PerSourceMaxStartups per PerSourceNetBlockSize block,
// and PerSourcePenalties earned from how a source's connections ended, with
// an exempt list. Pure: no system calls; the clock and the random draw are
// arguments, so tests drive it directly.
//
// Beyond OpenSSH: a reserve for known-good sources. A flood of
// unauthenticated connections from many addresses (a botnet, or one host's
// IPv6 /48) keeps MaxStartups full, and then every newcomer is refused,
// users included: nothing tells a user's first packet from an attacker's.
// What does tell them apart is history. A source block from which someone
// authenticated within kGoodSourceSeconds is admitted past the random early
// drop and past `full`, as long as fewer than good_reserve() of its kind are
// unauthenticated at once; so at most full + good_reserve() connections are
// ever unauthenticated, and an attacker who has never logged in cannot use
// the reserve. Penalties and PerSourceMaxStartups apply to them as to anyone.
// The table of such blocks is bounded (kMaxGoodSources, the oldest go first).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "config/config.h"
#include "proc/socket_address.h"

namespace lpsshd::sshd {

using SourceAddress = proc::SocketAddress;

class Admission {
 public:
  explicit Admission(const config::Config& cfg);

  enum class Verdict { kAdmit, kFull, kRandomDrop, kPerSource, kPenalty };
  // random_percent: a uniform draw in [0, 100).
  Verdict check(const SourceAddress& src, int64_t now_s, int random_percent) const;

  void started(pid_t monitor, const SourceAddress& src, int64_t now_s = 0);
  // The monitor's connection authenticated: it no longer counts as a
  // start-up, and its source block is known-good from now_s.
  void authenticated(pid_t monitor, int64_t now_s = 0);
  // exit_code: listener_protocol::ExitCode of the monitor.
  void ended(pid_t monitor, int exit_code, int64_t now_s);

  int unauthenticated() const { return unauthenticated_; }
  // Unauthenticated connections from known-good source blocks.
  int unauthenticated_good() const { return good_unauthenticated_; }
  int good_reserve() const;
  bool known_good(const SourceAddress& src, int64_t now_s) const;
  size_t known_good_blocks() const { return good_.size(); }

  static constexpr int64_t kGoodSourceSeconds = 7 * 24 * 3600;
  static constexpr size_t kMaxGoodSources = 4096;
  // Seconds of penalty accrued and not yet expired for src's block, and
  // whether it is enforced (it reached PerSourcePenalties min).
  int64_t penalty_left(const SourceAddress& src, int64_t now_s) const;
  bool penalised(const SourceAddress& src, int64_t now_s) const;
  static const char* describe(Verdict v);
  // For a kPenalty verdict: why src's block is penalised, in OpenSSH's
  // words ("penalty: failed authentication"); describe(kPenalty) otherwise.
  const char* penalty_reason(const SourceAddress& src) const;

 private:
  using Block = std::pair<bool, std::array<uint8_t, 16>>;
  Block block_of(const SourceAddress& src) const;
  bool exempt(const SourceAddress& src) const;
  bool known_good(const Block& b, int64_t now_s) const;

  struct Conn {
    Block block;
    SourceAddress src;
    bool authenticated = false;
    bool good = false;  // counted in good_unauthenticated_
  };
  void release(Conn& c);  // no longer an unauthenticated start-up
  config::MaxStartups max_startups_;
  int per_source_;
  int bits_v4_, bits_v6_;
  config::Penalties penalties_;
  std::vector<std::string> exempt_;
  std::map<pid_t, Conn> conns_;
  std::map<Block, int> unauth_per_block_;
  // A penalty accrues until it reaches PerSourcePenalties min; from then it
  // is enforced until it expires.
  struct Penalty {
    int64_t until = 0;
    bool active = false;
    const char* reason = nullptr;  // of the latest addition
  };
  std::map<Block, Penalty> penalties_by_block_;
  int unauthenticated_ = 0;
  int good_unauthenticated_ = 0;
  std::map<Block, int64_t> good_;  // known-good block -> when it last authenticated
  int64_t clock_s_ = 0;            // the latest time seen
};

// Each preauth child's own uid/gid from PreauthUidRange: the listener hands
// out a free one per connection and takes it back when the monitor exits.
class UidPool {
 public:
  UidPool(uint32_t first, uint32_t last) : first_(first), used_(first ? last - first + 1 : 0) {}
  bool enabled() const { return !used_.empty(); }
  // 0 when the range is exhausted. start_hint spreads ids after a restart.
  uint32_t take(uint32_t start_hint);
  void give_back(uint32_t uid);

 private:
  uint32_t first_;
  std::vector<bool> used_;
};

}  // namespace lpsshd::sshd
