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

void release_pty(const std::string& name) {
  // The node may already be gone (devpts removes it when the last
  // descriptor closes); failure here is harmless.
  if (chown(name.c_str(), 0, 0) == 0) chmod(name.c_str(), 0666);
}

}  // namespace lpsshd::monitor
