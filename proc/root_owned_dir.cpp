#include "proc/root_owned_dir.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace lpsshd::proc {

namespace {
// The component's own checks; `shown` is the path up to it, as sshd
// prints it (with a trailing slash for the levels above the last).
bool acceptable(int fd, const std::string& shown, std::string& why) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    why = "cannot stat chroot directory component \"" + shown + "\": " + strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    why = "chroot path \"" + shown + "\" is not a directory";
    return false;
  }
  if (st.st_uid != 0 || (st.st_mode & 022) != 0) {
    why = "bad ownership or modes for chroot directory component \"" + shown + "\"";
    return false;
  }
  return true;
}
}  // namespace

UniqueFd open_root_owned_dir(const std::string& path, std::string& why) {
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) {
    why = "chroot path \"" + path + "\" is not absolute";
    return {};
  }
  UniqueFd dir(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir || !acceptable(dir.get(), "/", why)) return {};
  std::string shown;
  size_t at = 1;
  while (at < path.size()) {
    size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(at, end - at);
    at = end + 1;
    if (name.empty() || name == ".") continue;
    // ".." would leave the directory just checked for one that was not
    // checked as a child of it.
    if (name == "..") {
      why = "chroot path \"" + path + "\" contains \"..\"";
      return {};
    }
    shown += "/" + name;
    UniqueFd next(openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      why = errno == ENOTDIR || errno == ELOOP
                ? "chroot path \"" + shown + "\" is not a directory"
                : "cannot open chroot directory component \"" + shown + "\": " + strerror(errno);
      return {};
    }
    if (!acceptable(next.get(), at < path.size() ? shown + "/" : shown, why)) return {};
    dir = std::move(next);
  }
  return dir;
}

}  // namespace lpsshd::proc
