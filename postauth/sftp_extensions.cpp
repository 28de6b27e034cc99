// The OpenSSH extensions of the in-process SFTP server (PROTOCOL section
// 4), and REALPATH, whose reply expand-path@openssh.com shares.
#include <fcntl.h>
#include <pwd.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "postauth/sftp_handle.h"
#include "postauth/sftp_server.h"

namespace lpsshd::postauth::sftp {
namespace {

// realpath(3) that, like sftp-server's, lets the last component be missing
// (so a client can canonicalise the name of a file it is about to create).
bool canonical(const std::string& abs, std::string& out, int& err) {
  char buf[PATH_MAX];
  if (::realpath(abs.c_str(), buf) != nullptr) {
    out = buf;
    return true;
  }
  err = errno;
  if (err != ENOENT) return false;
  size_t slash = abs.find_last_of('/');
  std::string dir = slash == 0 ? "/" : abs.substr(0, slash);
  std::string last = abs.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") return false;
  if (::realpath(dir.c_str(), buf) == nullptr) {
    err = errno;
    return false;
  }
  out = buf;
  if (out.back() != '/') out += '/';
  out += last;
  return true;
}

}  // namespace

void SftpServer::do_realpath(const Request& q, bool expand) {
  std::string path = q.path.empty() ? "." : q.path;
  if (expand && path[0] == '~') {
    // "~", "~/rest", "~user", "~user/rest", as a shell would.
    size_t slash = path.find('/');
    std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    std::string rest = slash == std::string::npos ? "" : path.substr(slash);
    std::string home = who_.home;
    if (!user.empty() && user != who_.user) {
      const struct passwd* pw = ::getpwnam(user.c_str());
      if (pw == nullptr) return status(q.id, FX_NO_SUCH_FILE);
      home = pw->pw_dir;
    }
    path = home + rest;
  }
  std::string resolved;
  int err = 0;
  // SftpRoot: the kernel resolves it beneath the root first, so the walk
  // below never looks outside (a missing last component is a new name).
  if (!opts_.jail_root.empty()) {
    proc::UniqueFd fd(path_fd(path, true));
    if (!fd && errno == ENOENT) {
      const std::string abs = absolute(path);
      fd.reset(path_fd(abs.substr(0, std::max<size_t>(abs.rfind('/'), 1)), true));
    }
    if (!fd) return errno_status(q.id, errno);
  }
  if (!canonical(absolute(path), resolved, err)) return errno_status(q.id, err);
  if (!opts_.jail_root.empty() && !jail_relative(resolved)) return errno_status(q.id, EACCES);
  NameEntry e;
  e.name = resolved;
  e.longname = resolved;
  names(q.id, {e});
}

void SftpServer::do_statvfs(const Request& q, int fd) {
  struct statvfs s {};
  int r;
  if (fd >= 0) {
    r = ::fstatvfs(fd, &s);
  } else {
    log_(fmt("statvfs \"%s\"", q.path.c_str()));
    proc::UniqueFd p(path_fd(q.path, true));
    r = p ? ::fstatvfs(p.get(), &s) : -1;
  }
  if (r != 0) return errno_status(q.id, errno);
  uint64_t flag = 0;
  if (s.f_flag & ST_RDONLY) flag |= 1;  // SSH_FXE_STATVFS_ST_RDONLY
  if (s.f_flag & ST_NOSUID) flag |= 2;  // SSH_FXE_STATVFS_ST_NOSUID
  wire::Writer w;
  w.u64(s.f_bsize).u64(s.f_frsize).u64(s.f_blocks).u64(s.f_bfree).u64(s.f_bavail);
  w.u64(s.f_files).u64(s.f_ffree).u64(s.f_favail).u64(s.f_fsid).u64(flag).u64(s.f_namemax);
  extended_reply(q.id, w);
}

void SftpServer::do_fsync(const Request& q) {
  Handle* h = find(q.handle, false);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  errno_status(q.id, ::fsync(h->fd.get()) == 0 ? 0 : errno);
}

void SftpServer::do_limits(const Request& q) {
  wire::Writer w;
  w.u64(kMaxPacket).u64(kMaxRead).u64(kMaxWrite).u64(kMaxHandles);
  extended_reply(q.id, w);
}

// copy-data: from one open file to another without the network; length 0
// means to the end of the source.
void SftpServer::do_copy_data(const Request& q) {
  Handle* from = find(q.handle, false);
  Handle* to = find(q.handle2, false);
  if (from == nullptr || to == nullptr || from == to) return status(q.id, FX_FAILURE);
  std::vector<uint8_t> buf(kMaxWrite);
  uint64_t done = 0;
  const bool to_eof = q.length == 0;
  while (to_eof || done < q.length) {
    size_t want = buf.size();
    if (!to_eof) want = static_cast<size_t>(std::min<uint64_t>(want, q.length - done));
    ssize_t n = ::pread(from->fd.get(), buf.data(), want, static_cast<off_t>(q.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_status(q.id, errno);
    if (n == 0) break;
    from->bytes_read += static_cast<uint64_t>(n);
    size_t put = 0;
    while (put < static_cast<size_t>(n)) {
      ssize_t m = ::pwrite(to->fd.get(), buf.data() + put, static_cast<size_t>(n) - put,
                           static_cast<off_t>(q.offset2 + done + put));
      if (m < 0 && errno == EINTR) continue;
      if (m <= 0) return errno_status(q.id, m < 0 ? errno : EIO);
      put += static_cast<size_t>(m);
      to->bytes_written += static_cast<uint64_t>(m);
    }
    done += static_cast<uint64_t>(n);
  }
  // A fixed length that the source could not supply is an EOF, as in
  // sftp-server.
  status(q.id, !to_eof && done < q.length ? FX_EOF : FX_OK);
}

void SftpServer::do_home_directory(const Request& q) {
  std::string home = who_.home;
  if (!q.path.empty() && q.path != who_.user) {
    const struct passwd* pw = ::getpwnam(q.path.c_str());
    if (pw == nullptr) return status(q.id, FX_FAILURE);
    home = pw->pw_dir;
  }
  NameEntry e;
  e.name = home;
  e.longname = home;
  names(q.id, {e});
}

void SftpServer::do_users_groups(const Request& q) {
  wire::Writer users, groups;
  for (uint32_t uid : q.uids) {
    std::string n = user_name(uid);
    users.string(n == std::to_string(uid) ? std::string() : n);  // unknown: empty
  }
  for (uint32_t gid : q.gids) {
    std::string n = group_name(gid);
    groups.string(n == std::to_string(gid) ? std::string() : n);
  }
  wire::Writer w;
  w.string(users.bytes()).string(groups.bytes());
  extended_reply(q.id, w);
}

}  // namespace lpsshd::postauth::sftp
