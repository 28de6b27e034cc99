#include "monitor/pty_alloc.h"

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lpsshd::monitor {

std::optional<AllocatedPty> allocate_pty(uid_t uid, gid_t fallback_gid, std::string& error) {
  AllocatedPty p;
  p.master.reset(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  char name[64];
  if (!p.master || grantpt(p.master.get()) != 0 || unlockpt(p.master.get()) != 0 ||
      ptsname_r(p.master.get(), name, sizeof name) != 0) {
    error = std::string("openpty: ") + std::strerror(errno);
    return std::nullopt;
  }
  p.name = name;
  p.slave.reset(open(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st;
  if (!p.slave || fstat(p.slave.get(), &st) != 0 || !S_ISCHR(st.st_mode)) {
    error = "cannot open " + p.name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  // Group tty and mode 0620 let write(1)/wall reach the user, as with sshd.
  const struct group* tty = getgrnam("tty");
  const gid_t gid = tty != nullptr ? tty->gr_gid : fallback_gid;
  const mode_t mode = tty != nullptr ? 0620 : 0600;
  if (fchown(p.slave.get(), uid, gid) != 0 || fchmod(p.slave.get(), mode) != 0) {
    error = "cannot set owner of " + p.name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return p;
}

void give_back_pty(int slave) {
  // Root's again, and nobody may open it: no 0666 as OpenSSH does, since the
  // user's processes may still hold it and root's write(1)/wall have no need.
  // Failure is harmless: the node goes away when the last descriptor closes.
  if (fchown(slave, 0, 0) == 0) fchmod(slave, 0600);
}

}  // namespace lpsshd::monitor
