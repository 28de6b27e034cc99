#include "postauth/privilege_drop.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "proc/root_owned_dir.h"

namespace lpsshd::postauth {

namespace {
// A test build (lpsshd-postauth-pausing) stops here, at the most exposed
// point: just after the ids changed and before the dumpable flag is set
// again, so a test can try to trace it as the user (tests/integration/
// ptrace_test.sh). Never compiled into the daemon's binary.
void test_pause_point() {
#ifdef LPSSHD_TEST_PAUSE_AFTER_DROP
  raise(SIGSTOP);
#endif
}
}  // namespace

bool drop_to_user(const DropSpec& spec, rlimit& saved_core) {
  // Started as root by a parent that set our groups; anything else is not
  // the start this sequence is written for.
  if (getuid() != 0 || geteuid() != 0) return false;
  // 1. Harden while still root.
  getrlimit(RLIMIT_CORE, &saved_core);
  // The soft limit only: the hard limit stays so the user's commands can
  // have their core dumps back.
  const rlimit no_core{0, saved_core.rlim_max};
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0)
    return false;
  // 2. ChrootDirectory, while root can still do it.
  if (!spec.chroot.empty()) {
    std::string why;
    proc::UniqueFd dir = proc::open_root_owned_dir(spec.chroot, why);
    if (!dir || fchdir(dir.get()) != 0 || chroot(".") != 0 || chdir("/") != 0) return false;
  }
  // 3. Become the user for good.
  if (setresgid(spec.gid, spec.gid, spec.gid) != 0 || setresuid(spec.uid, spec.uid, spec.uid) != 0)
    return false;
  test_pause_point();
  uid_t r, e, s;
  gid_t rg, eg, sg;
  if (getresuid(&r, &e, &s) != 0 || r != spec.uid || e != spec.uid || s != spec.uid) return false;
  if (getresgid(&rg, &eg, &sg) != 0 || rg != spec.gid || eg != spec.gid || sg != spec.gid)
    return false;
  if (spec.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) return false;
  if (spec.gid != 0 && spec.uid != 0 && (setgid(0) == 0 || setegid(0) == 0)) return false;
  // 4. What the credential change reset.
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 &&
         prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 && getppid() == spec.parent;
}

}  // namespace lpsshd::postauth
