// What the listener needs from the system, and how it copes when the system
// runs short while it serves. Pure: no system calls, so the unit test drives
// it exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

namespace lpsshd::sshd {

// ---------------------------------------------------------- descriptors
//
// The listener holds one descriptor per unauthenticated connection (the read
// end of its monitor's status pipe, until the monitor says "authenticated"
// or exits), so at most MaxStartups `full` of them; while it starts a
// monitor it briefly holds three more (the accepted socket, the new pipe),
// and the forked child moves the monitor's descriptors above
// proc::kStagingFd before exec. Each monitor inherits the same limit and
// needs room for its own spawns and a PTY pair per session. Below that, a
// connection would fail in a way nobody sees (EMFILE in accept, or a spawn
// that dies before exec), so start-up refuses instead.
struct DescriptorNeed {
  uint64_t listener = 0;  // descriptors the listener may have to hold at once
  uint64_t monitor = 0;   // what each monitor needs
  uint64_t total() const { return listener > monitor ? listener : monitor; }
};

// open_now: descriptors open when the check runs (listen sockets included).
DescriptorNeed descriptor_need(const config::Config& cfg, uint64_t open_now);

// Empty if soft_limit (RLIMIT_NOFILE) is enough; otherwise the one-line
// reason start-up fails, saying what to change.
std::string check_descriptor_limit(const config::Config& cfg, uint64_t open_now,
                                   uint64_t soft_limit);

// ---------------------------------------------------------- accept errors
//
// accept4 failing for want of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM)
// leaves the connection in the backlog, so the listen socket stays readable:
// polling it again at once would spin. The listener stops polling its
// listen sockets for kPauseMs instead, as sshd does, and then tries again.
// Other errors (the peer reset the connection before it was accepted, ...)
// concern that one connection only. Running short of descriptors or
// processes while starting a monitor for an accepted connection pauses
// accepting the same way: the connections behind it wait in the backlog
// rather than being accepted only to be dropped.
class AcceptBackoff {
 public:
  static constexpr int64_t kPauseMs = 100;

  static bool is_resource_error(int err);

  // An accept4 failure with errno err at now_ms. True when it pauses accepting.
  bool failed(int err, int64_t now_ms);
  // Pauses accepting whatever the reason (fork failed: no process to spare).
  void pause(int64_t now_ms) { resume_ms_ = now_ms + kPauseMs; }
  // Whether the listen sockets are polled at now_ms.
  bool accepting(int64_t now_ms) const { return now_ms >= resume_ms_; }
  // When accepting resumes (a past time when it is not paused).
  int64_t resume_ms() const { return resume_ms_; }

 private:
  int64_t resume_ms_ = 0;
};

}  // namespace lpsshd::sshd
