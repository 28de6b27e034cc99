#include "preauth/sandbox.h"

#include "preauth/landlock.h"
#include "preauth/seccomp_policy.h"

#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace lpsshd::preauth {

namespace {
// Test-only builds (tests/CMakeLists.txt, the escape_preauth_* variants)
// compile this file again with LPSSHD_TEST_SANDBOX_OMIT set to leave layers
// out, so a test can show that each remaining layer holds on its own. The
// daemon's library never defines it: every layer is always applied there.
#ifndef LPSSHD_TEST_SANDBOX_OMIT
#define LPSSHD_TEST_SANDBOX_OMIT 0
#endif
constexpr unsigned kOmitSeccomp = 1, kOmitLandlock = 2, kOmitEmptyRoot = 4;
constexpr bool omitted(unsigned layer) { return (LPSSHD_TEST_SANDBOX_OMIT & layer) != 0; }

std::string failed(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool set_limit(int resource, rlim_t value) {
  rlimit rl{value, value};
  return setrlimit(resource, &rl) == 0;
}
}  // namespace

namespace {
bool parse_id(const char* s, long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s, &end, 10);
  return errno == 0 && end != s && *end == '\0' && out > 0;
}
}  // namespace

bool parse_sandbox_args(int argc, char** argv, SandboxSpec& spec) {
  spec = SandboxSpec{};
  long uid = -1, gid = -1, mpid = -1;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-N") {  // the listener's empty namespaces are fds 3 and 4
      spec.netns_fd = 3;
      spec.mntns_fd = 4;
      --i;
      continue;
    }
    if (i + 1 >= argc) return false;
    if (flag == "-u" && parse_id(argv[i + 1], uid)) continue;
    if (flag == "-g" && parse_id(argv[i + 1], gid)) continue;
    if (flag == "-m" && parse_id(argv[i + 1], mpid)) continue;
    if (flag == "-r") {
      spec.chroot_dir = argv[i + 1];
      continue;
    }
    return false;
  }
  if (uid <= 0 || gid <= 0 || mpid <= 0 || spec.chroot_dir.empty()) return false;
  spec.uid = static_cast<uid_t>(uid);
  spec.gid = static_cast<gid_t>(gid);
  spec.monitor_pid = static_cast<pid_t>(mpid);
  spec.highest_fd = 2;  // 0 client socket, 1 monitor channel, 2 /dev/null
  return true;
}

std::string enter_sandbox(const SandboxSpec& spec, SandboxReport* report) {
  if (spec.uid == 0 || spec.gid == 0) return "refusing to run the preauth child as root";
  // 1. Everything that needs the filesystem, while it is still there.
  if (sodium_init() < 0) return "libsodium initialisation failed";
  tzset();

  // 2. No network and no filesystem: join the listener's empty namespaces
  //    (whose root is an empty read-only tmpfs), or at least chroot to the
  //    empty directory.
  const bool namespaces = !omitted(kOmitEmptyRoot) && spec.netns_fd >= 0 && spec.mntns_fd >= 0;
  if (omitted(kOmitEmptyRoot)) {
    if (spec.netns_fd >= 0) close(spec.netns_fd);
    if (spec.mntns_fd >= 0) close(spec.mntns_fd);
  } else if (namespaces) {
    if (setns(spec.netns_fd, CLONE_NEWNET) != 0) return failed("setns net");
    if (setns(spec.mntns_fd, CLONE_NEWNS) != 0) return failed("setns mnt");
    close(spec.netns_fd);
    close(spec.mntns_fd);
    if (chdir("/") != 0 || chroot(".") != 0) return failed("chroot /");
  } else {
    if (chroot(spec.chroot_dir.c_str()) != 0) return failed("chroot");
    if (chdir("/") != 0) return failed("chdir /");
  }

  // 3. The unprivileged identity, with no supplementary groups, for good.
  if (setgroups(0, nullptr) != 0) return failed("setgroups");
  if (setresgid(spec.gid, spec.gid, spec.gid) != 0) return failed("setresgid");
  if (setresuid(spec.uid, spec.uid, spec.uid) != 0) return failed("setresuid");
  uid_t r, e, s;
  gid_t rg, eg, sg;
  if (getresuid(&r, &e, &s) != 0 || r != spec.uid || e != spec.uid || s != spec.uid)
    return "uid change incomplete";
  if (getresgid(&rg, &eg, &sg) != 0 || rg != spec.gid || eg != spec.gid || sg != spec.gid)
    return "gid change incomplete";
  if (getgroups(0, nullptr) != 0) return "supplementary groups remain";
  if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0) return "privileges could be regained";

  // 4. Settings a credential change resets, so they come after it.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return failed("PR_SET_NO_NEW_PRIVS");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return failed("PR_SET_DUMPABLE");
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return failed("PR_SET_PDEATHSIG");
  // The monitor may have died before PDEATHSIG was armed.
  if (getppid() != spec.monitor_pid) return "monitor is gone";

  // 5. Landlock, where the kernel has it: every access right it knows is
  //    handled and none granted (files, TCP, abstract sockets, signals).
  //    Before the descriptor limit: the ruleset briefly needs a descriptor.
  std::string why;
  const int abi = omitted(kOmitLandlock) ? 0 : apply_landlock_deny_all(spec.landlock_max_abi, why);
  if (abi < 0) return why;

  // 6. Resource limits: no core files, no new processes, no file writes,
  //    and no descriptors beyond the ones it holds.
  if (!set_limit(RLIMIT_CORE, 0)) return failed("RLIMIT_CORE");
  if (!set_limit(RLIMIT_NPROC, 0)) return failed("RLIMIT_NPROC");
  if (!set_limit(RLIMIT_FSIZE, 0)) return failed("RLIMIT_FSIZE");
  if (!set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(spec.highest_fd + 1)))
    return failed("RLIMIT_NOFILE");

  // 7. Last, the system-call allow-list: from here the child can read and
  //    write its two descriptors, allocate memory, draw random bytes, exit.
  if (report != nullptr) *report = SandboxReport{namespaces, abi, !omitted(kOmitSeccomp)};
  return omitted(kOmitSeccomp) ? std::string() : install_seccomp_policy();
}

}  // namespace lpsshd::preauth
