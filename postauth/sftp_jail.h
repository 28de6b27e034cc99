// SftpRoot (beyond OpenSSH): the whole postauth process confined with
// Landlock to one directory, for logins that may only use the in-process
// SFTP server. Unlike ChrootDirectory it needs no root-owned directory
// chain, and it also takes TCP (ABI 4+), abstract sockets and signals
// (ABI 6+) away. It is entered after the process became the user and
// before it reads a byte from the client; where Landlock is missing the
// session does not start (and the daemon refuses the setting at start-up).
#pragma once

#include <cstdint>
#include <string>

#include "monitor/protocol.h"

namespace lpsshd::postauth {

// The file rights granted beneath the root for each mode. Pure.
//  read-write:  read, list, write, create and remove files, directories and
//               symlinks, rename across directories, truncate;
//  read-only:   read and list;
//  upload-only: list, create files and directories and write them; nothing
//               can be read back or removed.
// Never execute, device nodes, FIFOs or sockets.
uint64_t sftp_jail_rights(monproto::Grant::SftpJail mode);

// Confines this process. False with `error` set if the directory cannot be
// opened or Landlock is unavailable or refuses.
bool enter_sftp_jail(const std::string& root, monproto::Grant::SftpJail mode, std::string& error);

}  // namespace lpsshd::postauth
