// PTY allocation for sessions, done by the monitor as root: the master is
// opened with O_NOCTTY so it never becomes the monitor's controlling
// terminal; the slave is given to the user (group tty, mode 0620) before the
// descriptors go to the postauth child. Release gives the node back to root.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "proc/unique_fd.h"

namespace lpsshd::monitor {

struct AllocatedPty {
  proc::UniqueFd master, slave;
  std::string name;  // "/dev/pts/N"
};

std::optional<AllocatedPty> allocate_pty(uid_t uid, gid_t fallback_gid, std::string& error);

// Only for a name this monitor allocated (the caller checks).
void release_pty(const std::string& name);

}  // namespace lpsshd::monitor
