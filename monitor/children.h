// Starting the monitor's two kinds of child. Each is a fresh exec with
// exactly three descriptors: 0 the client socket, 1 its end of a
// SOCK_SEQPACKET pair to the monitor, 2 /dev/null.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>
#include <string>

#include "monitor/auth_backend.h"
#include "proc/unique_fd.h"

namespace lpsshd::monitor {

struct ChildProcess {
  pid_t pid = -1;
  proc::UniqueFd channel;  // the monitor's end
};

// The preauth child gets the unprivileged ids and the chroot directory on its
// command line and applies them itself before reading the network (see
// preauth/sandbox.h); it starts as root only so that it can chroot.
// netns_fd/mntns_fd: the listener's empty namespaces for the child to join
// (fds 3 and 4 in the child, with -N), or -1 for chroot only.
std::optional<ChildProcess> spawn_preauth(int client_fd, uid_t uid, gid_t gid,
                                          const std::string& chroot_dir, int netns_fd = -1,
                                          int mntns_fd = -1);

// The postauth child gets the user's groups before exec and becomes the
// user itself, right after exec (postauth/privilege_drop.h).
// The core-dump soft limit the daemon was started with. The monitor runs
// with 0 (it holds the host key) and gives the user's session this back.
void set_user_core_limit(rlim_t soft);
rlim_t user_core_limit();

// chroot: the ChrootDirectory to enter (expanded and checked), or "".
std::optional<ChildProcess> spawn_postauth(int client_fd, const UserInfo& user, int max_sessions,
                                           const std::string& chroot);

}  // namespace lpsshd::monitor
