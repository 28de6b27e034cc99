#include "sshd/resources.h"

#include <cerrno>

#include "proc/spawn.h"

namespace lpsshd::sshd {

namespace {
// Opened by the listener after the check: signalfd, /dev/null, the two
// empty namespaces, and one to spare.
constexpr uint64_t kStillToOpen = 5;
// Held while a monitor is being started: the accepted socket and the
// status pipe's two ends.
constexpr uint64_t kPerStart = 3;
// The most descriptors any lpsshd process hands a child it spawns.
constexpr uint64_t kMaxSpawnFds = 8;
// A monitor's own: its seven from the listener, syslog, signalfd, the
// child's channel, /dev/null, the PAM helper's channel, and spare.
constexpr uint64_t kMonitorBase = 16;

// The lowest limit at which a process holding `held` descriptors can spawn:
// the child moves up to kMaxSpawnFds descriptors to kStagingFd +
// kMaxSpawnFds or the first free ones above it.
uint64_t spawn_room(uint64_t held) {
  const uint64_t floor = static_cast<uint64_t>(proc::kStagingFd) + kMaxSpawnFds;
  return (held > floor ? held : floor) + kMaxSpawnFds;
}
}  // namespace

DescriptorNeed descriptor_need(const config::Config& cfg, uint64_t open_now) {
  const auto full = static_cast<uint64_t>(cfg.max_startups.full > 0 ? cfg.max_startups.full : 0);
  const auto sessions = static_cast<uint64_t>(cfg.max_sessions > 0 ? cfg.max_sessions : 0);
  DescriptorNeed n;
  n.listener = spawn_room(open_now + kStillToOpen + full + kPerStart);
  n.monitor = spawn_room(kMonitorBase + 2 * sessions);
  return n;
}

std::string check_descriptor_limit(const config::Config& cfg, uint64_t open_now,
                                   uint64_t soft_limit) {
  const DescriptorNeed n = descriptor_need(cfg, open_now);
  if (soft_limit >= n.total()) return "";
  return "RLIMIT_NOFILE is " + std::to_string(soft_limit) + " but lpsshd needs at least " +
         std::to_string(n.total()) + " open files (" + std::to_string(open_now) +
         " open now, listen sockets included, + 1 per unauthenticated connection up to " +
         "MaxStartups " + std::to_string(cfg.max_startups.full) + " + room to start " +
         "monitors; each monitor needs " + std::to_string(n.monitor) + " for MaxSessions " +
         std::to_string(cfg.max_sessions) + "): raise the limit (ulimit -n, LimitNOFILE=) " +
         "or lower MaxStartups";
}

bool AcceptBackoff::is_resource_error(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

bool AcceptBackoff::failed(int err, int64_t now_ms) {
  if (!is_resource_error(err)) return false;
  resume_ms_ = now_ms + kPauseMs;
  return true;
}

}  // namespace lpsshd::sshd
