// PTY allocation for sessions, done by the monitor as root: the master is
// opened with O_NOCTTY so it never becomes the monitor's controlling
// terminal; the slave is given to the user (group tty, mode 0620) before the
// descriptors go to the postauth child. Release gives the terminal back to
// root through the slave descriptor the monitor kept, never by its path: a
// /dev/pts/N whose last descriptor closed may already be someone else's.
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

// Gives the terminal of `slave` (a descriptor from allocate_pty that the
// monitor kept, so its index cannot have been reused) back to root, mode
// 0600, through the descriptor. The caller then closes it.
void give_back_pty(int slave);

}  // namespace lpsshd::monitor
