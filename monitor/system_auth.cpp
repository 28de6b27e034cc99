#include "monitor/system_auth.h"

#include "monitor/user_tokens.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <shadow.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "log/escape.h"
#include "log/log.h"
#include "monitor/account_checks.h"
#include "monitor/authorized_keys.h"
#include "monitor/host_pattern.h"
#include "pattern/wildcard.h"
#include "proc/unique_fd.h"

namespace lpsshd::monitor {

namespace {
constexpr off_t kMaxAuthorizedKeysFile = 1024 * 1024;

// The user's primary and supplementary group ids, as initgroups would set.
std::vector<gid_t> group_ids(const UserInfo& u) {
  int n = 64;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  if (getgrouplist(u.name.c_str(), u.gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<size_t>(n));
    getgrouplist(u.name.c_str(), u.gid, groups.data(), &n);
  }
  groups.resize(static_cast<size_t>(n));
  return groups;
}

// Runs the filesystem accesses of a scope with the user's fsuid, fsgid and
// supplementary groups, so the user's own permissions decide what the
// monitor can read; restores root's on exit.
class AsUserFs {
 public:
  explicit AsUserFs(const UserInfo& u) {
    saved_groups_.resize(static_cast<size_t>(std::max(getgroups(0, nullptr), 0)));
    if (!saved_groups_.empty() &&
        getgroups(static_cast<int>(saved_groups_.size()), saved_groups_.data()) < 0)
      saved_groups_.clear();
    const std::vector<gid_t> groups = group_ids(u);
    ok_ = setgroups(groups.size(), groups.data()) == 0;
    setfsgid(u.gid);
    setfsuid(u.uid);
    ok_ = ok_ && static_cast<uid_t>(setfsuid(static_cast<uid_t>(-1))) == u.uid &&
          static_cast<gid_t>(setfsgid(static_cast<gid_t>(-1))) == u.gid;
  }
  ~AsUserFs() {
    setfsuid(0);
    setfsgid(0);
    setgroups(saved_groups_.size(), saved_groups_.data());
  }
  bool ok() const { return ok_; }

 private:
  std::vector<gid_t> saved_groups_;
  bool ok_ = false;
};

bool owner_and_mode_safe(const struct stat& st, uid_t uid) {
  return (st.st_uid == 0 || st.st_uid == uid) && (st.st_mode & 022) == 0;
}

bool same_inode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// The real path of what fd refers to, as the kernel names it.
bool real_path_of(int fd, std::string& out) {
  char buf[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf || buf[0] != '/') return false;
  out.assign(buf, static_cast<size_t>(n));
  return true;
}

// The directory at `dir` (a real path: no symlink may be on the way).
proc::UniqueFd open_real_dir(const std::string& dir) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = syscall(SYS_openat2, AT_FDCWD, dir.c_str(), &how, sizeof how);
  if (fd < 0 && errno == ENOSYS)  // before Linux 5.6: the checks below still hold
    return proc::UniqueFd(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  return proc::UniqueFd(static_cast<int>(fd));
}

// StrictModes (OpenSSH's auth_secure_path), on the file that was opened:
// the file itself (fstat of fd) and every directory from the one holding it
// up to the user's home directory (and, for a file outside home, up to /)
// must be owned by root or the user and writable by no one else. The
// directory is found from the real path of fd and must hold that very
// file; from there the walk goes up by descriptor (".."), so renaming a
// directory or swapping one for a symlink cannot send the checks
// elsewhere. Paths are only for the messages.
bool opened_file_is_safe(int fd, const struct stat& file_st, const UserInfo& user, std::string& why) {
  std::string path;
  if (!real_path_of(fd, path)) {
    why = "cannot find the path of an authorized keys file of " + user.name;
    return false;
  }
  if (!owner_and_mode_safe(file_st, user.uid)) {
    why = "bad ownership or modes for file " + path;
    return false;
  }
  struct stat home_st;
  const bool have_home = stat(user.home.c_str(), &home_st) == 0;  // its real path, as inode
  std::string dir = parent_of(path);
  proc::UniqueFd d = open_real_dir(dir);
  struct stat st;
  if (!d || fstatat(d.get(), path.substr(path.rfind('/') + 1).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !same_inode(st, file_st)) {
    why = "cannot stat directory " + dir;
    return false;
  }
  while (true) {
    if (fstat(d.get(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      why = "cannot stat directory " + dir;
      return false;
    }
    if (!owner_and_mode_safe(st, user.uid)) {
      why = "bad ownership or modes for directory " + dir;
      return false;
    }
    if (have_home && same_inode(st, home_st)) break;
    proc::UniqueFd parent(openat(d.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    struct stat parent_st;
    if (!parent || fstat(parent.get(), &parent_st) != 0) {
      why = "cannot stat directory " + parent_of(dir);
      return false;
    }
    if (same_inode(parent_st, st)) break;  // "/" is its own parent
    d = std::move(parent);
    dir = parent_of(dir);
  }
  return true;
}

bool read_file_checked(const std::string& path, const UserInfo& user, bool strict,
                       std::string& contents) {
  // O_NONBLOCK: a FIFO planted by the user must not hang the monitor.
  proc::UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno != ENOENT) log::verbose("Could not open user '%s' authorized keys '%s': %m",
                                      user.name.c_str(), log::escape(path).c_str());
    return false;
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    log::info("User %s authorized keys %s is not a regular file", user.name.c_str(),
              log::escape(path).c_str());
    return false;
  }
  if (st.st_size > kMaxAuthorizedKeysFile) {
    log::info("User %s authorized keys %s is too large", user.name.c_str(), log::escape(path).c_str());
    return false;
  }
  std::string why;
  if (strict && !opened_file_is_safe(fd.get(), st, user, why)) {
    log::info("Authentication refused: %s", log::escape(why).c_str());
    return false;
  }
  contents.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < contents.size()) {
    const ssize_t n = read(fd.get(), contents.data() + got, contents.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  contents.resize(got);
  return true;
}
}  // namespace

std::string expand_authorized_keys_path(const std::string& pattern, const UserInfo& user) {
  std::string out = expand_user_tokens(pattern, user);
  if (!out.empty() && out[0] != '/') out = user.home + (user.home.ends_with('/') ? "" : "/") + out;
  return out;
}

std::optional<UserInfo> SystemAuthBackend::lookup_user(const std::string& name) {
  if (name.empty()) return std::nullopt;
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &res) != 0 || res == nullptr)
    return std::nullopt;
  UserInfo u{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir, pw.pw_shell};
  if (u.shell.empty()) u.shell = "/bin/sh";
  return u;
}

std::optional<authkeys::KeyOptions> SystemAuthBackend::key_authorized(
    const UserInfo& user, std::span<const uint8_t> blob) {
  AsUserFs as_user(user);
  if (!as_user.ok()) return std::nullopt;
  for (const auto& pattern : files_) {
    if (pattern == "none") continue;
    const std::string path = expand_authorized_keys_path(pattern, user);
    if (path.empty()) continue;
    std::string contents;
    if (!read_file_checked(path, user, strict_modes_, contents)) continue;
    const std::string file = log::escape(path);
    auto acceptable = [&](const authkeys::AuthorizedKey& k) {
      const auto& o = k.options;
      if (o.from && authkeys::match_host_patterns(*o.from, client_ip_, client_ip_) !=
                        authkeys::PatternMatch::kMatch) {
        log::info("Authentication tried for %s with correct key but not from a permitted host "
                  "(host=%s, ip=%s).", user.name.c_str(), client_ip_.c_str(), client_ip_.c_str());
        return false;
      }
      if (o.expiry_time) {
        const auto expires = authkeys::expiry_time_seconds(*o.expiry_time);
        if (!expires || *expires < static_cast<int64_t>(time(nullptr))) {
          log::verbose("%s:%zu: entry expired at %s", file.c_str(), k.line_number,
                       log::escape(*o.expiry_time).c_str());
          return false;
        }
      }
      // Certificates are not implemented: a line meant for them must not
      // authorise the bare key.
      if (o.principals) {
        log::info("%s:%zu: principals= is only valid for certificates; key refused", file.c_str(),
                  k.line_number);
        return false;
      }
      return true;
    };
    auto refused = [&](const authkeys::RefusedLine& r) {
      log::info("%s:%zu: bad key options: %s", file.c_str(), r.line_number,
                log::escape(r.reason).c_str());
    };
    auto found = authkeys::find_authorized_key(contents, blob, acceptable, refused);
    if (found) return std::move(found->options);
  }
  return std::nullopt;
}

namespace {
bool user_entry_matches(const std::string& entry, const std::string& user, const std::string& ip) {
  const size_t at = entry.find('@');
  if (at == std::string::npos) return pattern::wildcard_match(entry, user, false);
  return pattern::wildcard_match(entry.substr(0, at), user, false) &&
         authkeys::match_host_patterns(entry.substr(at + 1), ip, ip) == authkeys::PatternMatch::kMatch;
}

bool any_user(const std::vector<std::string>& entries, const std::string& user, const std::string& ip) {
  for (const auto& e : entries)
    if (user_entry_matches(e, user, ip)) return true;
  return false;
}

bool any_group(const std::vector<std::string>& patterns, const std::vector<std::string>& groups) {
  for (const auto& g : groups)
    if (pattern::match_any(patterns, g)) return true;
  return false;
}

// The shadow entry (or, without one, the passwd entry's password field) and
// the login shell, as OpenSSH's allowed_user() reads them.
AccountFacts account_facts(const UserInfo& u) {
  AccountFacts f;
  std::vector<char> buf(16384);
  struct spwd sp, *spres = nullptr;
  int rc;
  while ((rc = getspnam_r(u.name.c_str(), &sp, buf.data(), buf.size(), &spres)) == ERANGE &&
         buf.size() < (1u << 20))
    buf.resize(buf.size() * 2);
  if (rc == 0 && spres != nullptr) {
    f.password = sp.sp_pwdp != nullptr ? sp.sp_pwdp : "";
    f.expire_day = sp.sp_expire;
  } else {
    struct passwd pw, *pwres = nullptr;
    if (getpwnam_r(u.name.c_str(), &pw, buf.data(), buf.size(), &pwres) == 0 && pwres != nullptr &&
        pw.pw_passwd != nullptr)
      f.password = pw.pw_passwd;
  }
  struct stat st;
  if (stat(u.shell.empty() ? "/bin/sh" : u.shell.c_str(), &st) == 0) f.shell_mode = st.st_mode;
  return f;
}

std::vector<std::string> group_names(const UserInfo& u) {
  std::vector<std::string> names;
  for (gid_t g : group_ids(u)) {
    if (const struct group* gr = getgrgid(g)) names.emplace_back(gr->gr_name);
  }
  return names;
}
}  // namespace

std::string access_denial(const AccessRules& r, const std::string& user,
                          const std::vector<std::string>& groups, const std::string& ip) {
  if (any_user(r.deny_users, user, ip)) return "listed in DenyUsers";
  if (!r.allow_users.empty() && !any_user(r.allow_users, user, ip)) return "not listed in AllowUsers";
  if (any_group(r.deny_groups, groups)) return "a group is listed in DenyGroups";
  if (!r.allow_groups.empty() && !any_group(r.allow_groups, groups))
    return "none of user's groups are listed in AllowGroups";
  return "";
}

bool SystemAuthBackend::user_allowed(const UserInfo& user) {
  const std::string account = account_denial(user.name, user.shell, account_facts(user),
                                             static_cast<long>(time(nullptr) / 86400),
                                             rules_.system_account_checks);
  if (!account.empty()) {
    log::info("%s", account.c_str());
    return false;
  }
  const bool need_groups = !rules_.allow_groups.empty() || !rules_.deny_groups.empty();
  std::string why = access_denial(rules_, user.name, need_groups ? group_names(user) : std::vector<std::string>{},
                                  client_ip_);
  if (why.empty() && rules_.system_account_checks && user.uid != 0 && access("/etc/nologin", F_OK) == 0)
    why = "/etc/nologin exists";
  if (why.empty()) return true;
  log::info("User %s from %s not allowed because %s", user.name.c_str(), client_ip_.c_str(), why.c_str());
  return false;
}

}  // namespace lpsshd::monitor
