// The preauth child's confinement, applied in one visible sequence before it
// reads a single network byte (see enter_sandbox). Order matters: anything
// that needs files first (libsodium, time zone), then chroot, then the
// credential change, then the settings a credential change would reset
// (dumpable, parent-death signal), then rlimits.
#pragma once

#include <sys/types.h>

#include <string>

namespace lpsshd::preauth {

struct SandboxSpec {
  uid_t uid;
  gid_t gid;
  std::string chroot_dir;
  pid_t monitor_pid;  // the expected parent: if it is already gone, stop
  int highest_fd;     // RLIMIT_NOFILE becomes highest_fd + 1 (after closing the ns fds)
  int netns_fd = -1;  // the listener's empty network namespace, or -1
  int mntns_fd = -1;  // its empty read-only mount namespace, or -1 (then chroot)
  int landlock_max_abi = 1000;  // tests cap it to exercise older kernels
};

// What was applied, for the log and the tests.
struct SandboxReport {
  bool namespaces = false;
  int landlock_abi = 0;  // 0: the kernel has no Landlock
  bool seccomp = false;
};

// The command line the monitor gives the child:
//   -u UID -g GID -r CHROOT -m MONITOR_PID [-N]
// (-N: the empty namespaces are fds 3 and 4). False for anything else.
// Shared with the escape tests, so they confine themselves exactly like
// the real child.
bool parse_sandbox_args(int argc, char** argv, SandboxSpec& out);

// Returns an empty string on success, or what failed. The caller must exit
// on failure without touching the network.
std::string enter_sandbox(const SandboxSpec& spec, SandboxReport* report = nullptr);

}  // namespace lpsshd::preauth
