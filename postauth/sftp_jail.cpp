#include "postauth/sftp_jail.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "preauth/landlock.h"
#include "proc/unique_fd.h"

namespace lpsshd::postauth {

uint64_t sftp_jail_rights(monproto::Grant::SftpJail mode) {
  using namespace preauth::landlock_fs;
  switch (mode) {
    case monproto::Grant::SftpJail::kReadOnly:
      return kReadFile | kReadDir;
    case monproto::Grant::SftpJail::kUploadOnly:
      return kReadDir | kWriteFile | kMakeReg | kMakeDir | kTruncate;
    case monproto::Grant::SftpJail::kReadWrite:
      break;
  }
  return kReadFile | kReadDir | kWriteFile | kRemoveDir | kRemoveFile | kMakeDir | kMakeReg |
         kMakeSym | kRefer | kTruncate;
}

bool enter_sftp_jail(const std::string& root, monproto::Grant::SftpJail mode, std::string& error) {
  proc::UniqueFd dir(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    error = "SftpRoot " + root + ": " + strerror(errno);
    return false;
  }
  // Landlock needs it of an unprivileged process; nothing here execs.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    error = std::string("no_new_privs: ") + strerror(errno);
    return false;
  }
  const int abi = preauth::apply_landlock_beneath(1000, dir.get(), sftp_jail_rights(mode), error);
  if (abi == 0) error = "SftpRoot needs Landlock, which this kernel does not offer";
  return abi > 0;
}

}  // namespace lpsshd::postauth
