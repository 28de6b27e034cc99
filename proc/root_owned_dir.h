// A ChrootDirectory as OpenSSH requires it: every component of the path,
// from / down to the directory itself, a directory owned by root and
// writable by nobody else. Otherwise a user who can write to any level
// could put their own /etc or /lib (or a setuid binary's idea of them)
// inside the jail, or swap the directory for another.
//
// The walk is by descriptor, one component at a time, without following
// symbolic links (stricter than OpenSSH, which stat()s through them): the
// descriptor returned is the directory that was checked, not whatever the
// path names a moment later. The monitor checks before it starts the
// session (and logs what failed); the postauth child checks again while
// still root and enters the descriptor it checked.
#pragma once

#include <string>

#include "proc/unique_fd.h"

namespace lpsshd::proc {

// An O_PATH descriptor of `path`, or an empty one with `why` set to the
// sshd-style reason ("bad ownership or modes for chroot directory
// component \"/home/\"").
UniqueFd open_root_owned_dir(const std::string& path, std::string& why);

}  // namespace lpsshd::proc
