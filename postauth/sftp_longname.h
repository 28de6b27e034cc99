// The `ls -l` style "longname" of a READDIR entry, as OpenSSH's sftp-server
// writes it (sftp-common.c ls_file with a local listing): mode string, link
// count, owner and group (names, or numbers when they cannot be looked up,
// as in a chroot), size, date, name. Clients show it verbatim for `ls -l`.
// Pure: the caller supplies the names and the current time.
#pragma once

#include <sys/stat.h>

#include <ctime>
#include <string>
#include <string_view>

namespace lpsshd::postauth::sftp {

// "drwxr-xr-x " with OpenBSD strmode's trailing blank.
std::string mode_string(mode_t mode);

std::string longname(std::string_view name, const struct stat& st, std::string_view user,
                     std::string_view group, time_t now);

}  // namespace lpsshd::postauth::sftp
