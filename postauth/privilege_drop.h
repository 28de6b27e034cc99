// The postauth child's start: it is exec'd as root (with the user's groups
// already set by its parent: initgroups, and pam_setcred under PAM), so no
// process of the user can trace it while it holds nothing yet, and it makes
// itself the user in one short, visible sequence before it reads a byte
// from the client or the monitor:
//   1. not dumpable, no core dumps (it will hold the session's keys);
//   2. ChrootDirectory: every component checked again, by descriptor, while
//      still root (proc/root_owned_dir.h), and the directory checked is the
//      one entered;
//   3. setresgid/setresuid to the user, checked, and checked irreversible;
//   4. not dumpable again (a credential change resets the flag to the
//      fs.suid_dumpable sysctl) and the parent-death signal (a credential
//      change clears it), then the parent is checked to be the one expected.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <string>

namespace lpsshd::postauth {

struct DropSpec {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t parent = 0;  // the monitor, or the PAM helper that forked us
  std::string chroot;  // "" none
};

// Returns false if any step failed; the caller exits without touching the
// connection. saved_core receives the core-dump limit the process started
// with, for the user's commands.
bool drop_to_user(const DropSpec& spec, rlimit& saved_core);

}  // namespace lpsshd::postauth
