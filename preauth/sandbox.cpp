#include "preauth/sandbox.h"

#include "preauth/seccomp_policy.h"

#include <grp.h>
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

std::string enter_sandbox(const SandboxSpec& spec) {
  if (spec.uid == 0 || spec.gid == 0) return "refusing to run the preauth child as root";
  // 1. Everything that needs the filesystem, while it is still there.
  if (sodium_init() < 0) return "libsodium initialisation failed";
  tzset();

  // 2. An empty root: no file, device or socket path is reachable.
  if (chroot(spec.chroot_dir.c_str()) != 0) return failed("chroot");
  if (chdir("/") != 0) return failed("chdir /");

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

  // 5. Resource limits: no core files, no new processes, no file writes,
  //    and no descriptors beyond the ones it holds.
  if (!set_limit(RLIMIT_CORE, 0)) return failed("RLIMIT_CORE");
  if (!set_limit(RLIMIT_NPROC, 0)) return failed("RLIMIT_NPROC");
  if (!set_limit(RLIMIT_FSIZE, 0)) return failed("RLIMIT_FSIZE");
  if (!set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(spec.highest_fd + 1)))
    return failed("RLIMIT_NOFILE");

  // 6. Last, the system-call allow-list: from here the child can read and
  //    write its two descriptors, allocate memory, draw random bytes, exit.
  return install_seccomp_policy();
}

}  // namespace lpsshd::preauth
