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
#include <cstring>

namespace lpsshd::preauth {

namespace {
std::string failed(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool set_limit(int resource, rlim_t value) {
  rlimit rl{value, value};
  return setrlimit(resource, &rl) == 0;
}
}  // namespace

std::string enter_sandbox(const SandboxSpec& spec, SandboxReport* report) {
  if (spec.uid == 0 || spec.gid == 0) return "refusing to run the preauth child as root";
  // 1. Everything that needs the filesystem, while it is still there.
  if (sodium_init() < 0) return "libsodium initialisation failed";
  tzset();

  // 2. No network and no filesystem: join the listener's empty namespaces
  //    (whose root is an empty read-only tmpfs), or at least chroot to the
  //    empty directory.
  const bool namespaces = spec.netns_fd >= 0 && spec.mntns_fd >= 0;
  if (namespaces) {
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
  const int abi = apply_landlock_deny_all(spec.landlock_max_abi, why);
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
  if (report != nullptr) *report = SandboxReport{namespaces, abi};
  return install_seccomp_policy();
}

}  // namespace lpsshd::preauth
