// Admission control in the listener, decided before any fork: MaxStartups
// (random early drop), PerSourceMaxStartups per PerSourceNetBlockSize block,
// and PerSourcePenalties earned from how a source's connections ended, with
// an exempt list. Pure: no system calls; the clock and the random draw are
// arguments, so tests drive it directly.
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

  void started(pid_t monitor, const SourceAddress& src);
  void authenticated(pid_t monitor);
  // exit_code: listener_protocol::ExitCode of the monitor.
  void ended(pid_t monitor, int exit_code, int64_t now_s);

  int unauthenticated() const { return unauthenticated_; }
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

  struct Conn {
    Block block;
    SourceAddress src;
    bool authenticated = false;
  };
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
