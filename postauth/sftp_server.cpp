// The in-process SFTP server: packet loop, handles and the base-protocol
// requests. The OpenSSH extensions are in sftp_extensions.cpp. Log lines use
// sftp-server's wording at INFO (sftp-server.c logit calls), so log readers
// written for OpenSSH keep working.
#include "postauth/sftp_server.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <pwd.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "postauth/sftp_handle.h"
#include "postauth/sftp_longname.h"

namespace lpsshd::postauth::sftp {


namespace {

// OpenSSH's errno_to_portable.
uint32_t portable(int err) {
  switch (err) {
    case 0: return FX_OK;
    case ENOENT: case ENOTDIR: case EBADF: case ELOOP: return FX_NO_SUCH_FILE;
    case EPERM: case EACCES: case EFAULT: return FX_PERMISSION_DENIED;
    case ENAMETOOLONG: case EINVAL: return FX_BAD_MESSAGE;
    case ENOSYS: return FX_OP_UNSUPPORTED;
    default: return FX_FAILURE;
  }
}

std::string flags_text(uint32_t p) {
  std::string s;
  auto add = [&](uint32_t bit, const char* name) {
    if (!(p & bit)) return;
    if (!s.empty()) s += ",";
    s += name;
  };
  add(FXF_READ, "READ");
  add(FXF_WRITE, "WRITE");
  add(FXF_APPEND, "APPEND");
  add(FXF_CREAT, "CREATE");
  add(FXF_TRUNC, "TRUNCATE");
  add(FXF_EXCL, "EXCL");
  return s;
}

}  // namespace

std::string SftpServer::fmt(const char* f, ...) {
  char buf[2 * kMaxPath + 128];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  // Paths are the client's bytes: a newline or escape sequence in one must
  // not start a line of its own in the log, so control bytes are written
  // as \ooo octal (as OpenSSH's log does with strnvis).
  std::string out;
  for (const char* p = buf; *p != '\0'; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7f) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\%03o", c);
      out += esc;
    } else {
      out.push_back(*p);
    }
  }
  return out;
}

namespace {

// Replaces the process umask while a create runs: the postauth process is
// single-threaded, so nothing else sees it, and it is back before the next
// event.
class UmaskScope {
 public:
  explicit UmaskScope(int mask) : active_(mask >= 0) {
    if (active_) old_ = ::umask(static_cast<mode_t>(mask));
  }
  ~UmaskScope() {
    if (active_) ::umask(old_);
  }

 private:
  bool active_;
  mode_t old_ = 0;
};

}  // namespace

static Attrs attrs_from_stat(const struct stat& st) {
  Attrs a;
  a.flags = ATTR_SIZE | ATTR_UIDGID | ATTR_PERMISSIONS | ATTR_ACMODTIME;
  a.size = static_cast<uint64_t>(st.st_size);
  a.uid = st.st_uid;
  a.gid = st.st_gid;
  a.perm = st.st_mode;
  a.atime = static_cast<uint32_t>(st.st_atime);
  a.mtime = static_cast<uint32_t>(st.st_mtime);
  return a;
}

SftpServer::SftpServer(SftpOptions opts, SftpIdentity who, std::function<void(std::string)> log)
    : opts_(std::move(opts)), who_(std::move(who)), log_(std::move(log)) {
  if (!log_) log_ = [](std::string) {};
  log_(fmt("session opened for local user %s from [%s]", who_.user.c_str(), who_.from.c_str()));
  start_ = who_.home.empty() ? "/" : who_.home;
  if (!opts_.start_dir.empty()) {
    std::string d = expand_start_dir(opts_.start_dir, who_.home, who_.user);
    start_ = d[0] == '/' ? d : absolute(d);
  }
  start_fd_.reset(::open(start_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!start_fd_) {
    // As sftp-server: an unusable start directory is logged, not fatal.
    log_(fmt("chdir to \"%s\" failed: %s", start_.c_str(), strerror(errno)));
    start_ = "/";
    start_fd_.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  // Opened once: a jail root that cannot be opened leaves jail_fd_ empty,
  // and then every metadata change is refused.
  if (!opts_.jail_root.empty())
    jail_fd_.reset(::open(opts_.jail_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

SftpServer::~SftpServer() {
  for (auto& [index, h] : handles_) {
    if (h->kind == Handle::kFile)
      log_(fmt("forced close \"%s\" bytes read %llu written %llu", h->path.c_str(),
               static_cast<unsigned long long>(h->bytes_read),
               static_cast<unsigned long long>(h->bytes_written)));
    else
      log_(fmt("forced closedir \"%s\"", h->path.c_str()));
  }
  handles_.clear();
  log_(fmt("session closed for local user %s from [%s]", who_.user.c_str(), who_.from.c_str()));
}

bool SftpServer::paused() const { return out_.size() > kOutputBound; }

bool SftpServer::wants_input() const {
  return !failed() && !paused() && in_.size() <= kInputBound;
}

void SftpServer::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
}

namespace {
// Bytes still missing from the partial packet at the start of buf: the rest
// of the length field, else the rest of the packet. (A bad length field is
// caught by next_packet before this is asked.)
size_t missing(wire::Bytes buf) {
  if (buf.size() < 4) return 4 - buf.size();
  const size_t len = (size_t{buf[0]} << 24) | (size_t{buf[1]} << 16) | (size_t{buf[2]} << 8) | buf[3];
  return 4 + len - buf.size();
}
}  // namespace

void SftpServer::input(std::span<const uint8_t> bytes) {
  if (failed()) return;
  // Bytes held back earlier go first. A partial packet is completed from
  // the new bytes a field at a time, so that the bulk of a transfer is
  // served in place from the caller's buffer, never copied here.
  while (!in_.empty() && !failed() && !paused()) {
    const size_t used = serve_from(in_);
    if (used > 0) {
      in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(used));
      continue;
    }
    if (failed() || bytes.empty()) return;
    const size_t take = std::min(missing(in_), bytes.size());
    in_.insert(in_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
    bytes = bytes.subspan(take);
  }
  if (failed()) return;
  const size_t used = in_.empty() && !paused() ? serve_from(bytes) : 0;
  if (!failed()) in_.insert(in_.end(), bytes.begin() + static_cast<ptrdiff_t>(used), bytes.end());
}

// Serves the complete packets at the start of buf, in order, until a
// partial one, a protocol error or the output bound; returns the bytes used.
size_t SftpServer::serve_from(wire::Bytes buf) {
  size_t used_total = 0;
  while (!failed() && !paused()) {
    wire::Bytes body;
    size_t used = 0;
    const Frame f = next_packet(buf.subspan(used_total), body, used);
    if (f == Frame::kPartial) break;
    if (f == Frame::kTooLong) {
      fail("packet length out of range");
      break;
    }
    used_total += used;
    Request q;
    switch (parse_request(body, q)) {
      case ParseResult::kNoId:
        fail("packet too short for its type and id");
        break;
      case ParseResult::kMalformed:
        if (!initialised_) fail("malformed packet before INIT");
        else status(q.id, FX_BAD_MESSAGE);
        break;
      case ParseResult::kOk:
        serve(q);
        break;
    }
  }
  return used_total;
}

// --- Replies ----------------------------------------------------------------

void SftpServer::status(uint32_t id, uint32_t code) {
  // sftp-server logs every failure it answers at INFO.
  if (code != FX_OK && code != FX_EOF)
    log_(fmt("sent status %s", std::string(status_message(code)).c_str()));
  wire::Writer w(64);
  put_status(w, id, code);
  out_.append(w.bytes());
}

void SftpServer::errno_status(uint32_t id, int err) { status(id, portable(err)); }

void SftpServer::names(uint32_t id, const std::vector<NameEntry>& n) {
  wire::Writer w;
  put_names(w, id, n);
  out_.append(w.bytes());
}

void SftpServer::extended_reply(uint32_t id, const wire::Writer& payload) {
  wire::Writer w;
  put_extended_reply(w, id, payload.bytes());
  out_.append(w.bytes());
}

// --- Dispatch ---------------------------------------------------------------

void SftpServer::serve(const Request& q) {
  if (q.op == Op::kInit) {
    if (initialised_) return fail("second INIT");
    initialised_ = true;
    wire::Writer w;
    put_version(w);
    out_.append(w.bytes());
    return;
  }
  if (!initialised_) return fail("request before INIT");
  if (q.op == Op::kUnknown) {
    if (q.type == FXP_EXTENDED) log_(fmt("Unknown extended request \"%s\"", q.extension.c_str()));
    else log_(fmt("Unknown message %u", q.type));
    return status(q.id, FX_OP_UNSUPPORTED);
  }
  const OpInfo* info = op_info(q.op);
  if (opts_.read_only && info->writes) {
    log_(fmt("Refusing %s request in read-only mode", std::string(info->name).c_str()));
    return status(q.id, FX_PERMISSION_DENIED);
  }
  if (!request_permitted(opts_, info->name)) {
    log_(fmt("Refusing %s request (-P / -p)", std::string(info->name).c_str()));
    return status(q.id, FX_PERMISSION_DENIED);
  }
  switch (q.op) {
    case Op::kOpen: return do_open(q);
    case Op::kClose: return close_handle(q.id, q.handle);
    case Op::kRead: return do_read(q);
    case Op::kWrite: return do_write(q);
    case Op::kLstat: return do_stat(q, false);
    case Op::kStat: return do_stat(q, true);
    case Op::kFstat: return do_fstat(q);
    case Op::kSetstat: return do_setstat(q, true);
    case Op::kLsetstat: return do_setstat(q, false);
    case Op::kFsetstat: return do_fsetstat(q);
    case Op::kOpendir: return do_opendir(q);
    case Op::kReaddir: return do_readdir(q);
    case Op::kRemove: case Op::kMkdir: case Op::kRmdir: case Op::kRename: case Op::kPosixRename:
    case Op::kSymlink: case Op::kHardlink:
      return do_simple(q);
    case Op::kRealpath: return do_realpath(q, false);
    case Op::kExpandPath: return do_realpath(q, true);
    case Op::kReadlink: return do_readlink(q);
    case Op::kStatvfs: return do_statvfs(q, -1);
    case Op::kFstatvfs: {
      Handle* h = find(q.handle, true);
      if (h == nullptr) h = find(q.handle, false);
      if (h == nullptr) return status(q.id, FX_FAILURE);
      return do_statvfs(q, h->fdnum());
    }
    case Op::kFsync: return do_fsync(q);
    case Op::kLimits: return do_limits(q);
    case Op::kCopyData: return do_copy_data(q);
    case Op::kHomeDirectory: return do_home_directory(q);
    case Op::kUsersGroupsById: return do_users_groups(q);
    case Op::kInit: case Op::kUnknown: break;
  }
}

// --- Handles ----------------------------------------------------------------

SftpServer::Handle* SftpServer::find(wire::Bytes h, bool want_dir) {
  wire::Reader r(h);
  uint32_t index = 0, generation = 0;
  if (!r.u32(index) || !r.u32(generation) || !r.end()) return nullptr;
  auto it = handles_.find(index);
  if (it == handles_.end() || it->second->generation != generation) return nullptr;
  if ((it->second->kind == Handle::kDir) != want_dir) return nullptr;
  return it->second.get();
}

void SftpServer::reply_new_handle(uint32_t id, std::unique_ptr<Handle> h) {
  uint32_t index = 0;
  while (handles_.count(index) != 0) ++index;  // lowest free slot, < kMaxHandles
  h->generation = next_generation_++;
  wire::Writer name;
  name.u32(index).u32(h->generation);
  handles_[index] = std::move(h);
  wire::Writer w;
  put_handle(w, id, name.bytes());
  out_.append(w.bytes());
}

void SftpServer::close_handle(uint32_t id, wire::Bytes hb) {
  Handle* h = find(hb, false);
  if (h == nullptr) h = find(hb, true);
  if (h == nullptr) return status(id, FX_FAILURE);
  int err = 0;
  if (h->kind == Handle::kFile) {
    log_(fmt("close \"%s\" bytes read %llu written %llu", h->path.c_str(),
             static_cast<unsigned long long>(h->bytes_read),
             static_cast<unsigned long long>(h->bytes_written)));
    // A close error (NFS, quotas) is a write error the client must hear of.
    if (::close(h->fd.release()) != 0) err = errno;
  } else {
    log_(fmt("closedir \"%s\"", h->path.c_str()));
  }
  wire::Reader r(hb);
  uint32_t index = 0;
  r.u32(index);
  handles_.erase(index);
  errno_status(id, err);
}

// --- Files --------------------------------------------------------------------

int SftpServer::create_umask() const { return opts_.umask ? static_cast<int>(*opts_.umask) : -1; }

void SftpServer::do_open(const Request& q) {
  int flags = 0;
  if ((q.pflags & FXF_READ) && (q.pflags & FXF_WRITE)) flags = O_RDWR;
  else if (q.pflags & FXF_WRITE) flags = O_WRONLY;
  if (q.pflags & FXF_APPEND) flags |= O_APPEND;
  if (q.pflags & FXF_CREAT) flags |= O_CREAT;
  if (q.pflags & FXF_TRUNC) flags |= O_TRUNC;
  if (q.pflags & FXF_EXCL) flags |= O_EXCL;
  // upload-only: a file is written only if this open creates it, so what
  // is already there is never truncated or overwritten.
  if (opts_.upload_only && (flags & O_ACCMODE) != O_RDONLY) flags = (flags & ~O_TRUNC) | O_CREAT | O_EXCL;
  const unsigned mode = (q.attrs.flags & ATTR_PERMISSIONS) ? (q.attrs.perm & 07777) : 0666;
  log_(fmt("open \"%s\" flags %s mode 0%o", q.path.c_str(), flags_text(q.pflags).c_str(), mode));
  if (opts_.read_only && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))) {
    log_("Refusing open request in read-only mode");
    return status(q.id, FX_PERMISSION_DENIED);
  }
  if (handles_.size() >= kMaxHandles) return status(q.id, FX_FAILURE);
  // O_NONBLOCK: opening a FIFO must not stall the whole postauth process
  // (every channel of the connection) until a writer appears; it has no
  // effect on regular files.
  int fd;
  {
    UmaskScope scope(create_umask());
    fd = ::openat(start_fd_.get(), q.path.c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, mode);
  }
  if (fd < 0) return errno_status(q.id, errno);
  auto h = std::make_unique<Handle>();
  h->fd.reset(fd);
  h->path = q.path;
  reply_new_handle(q.id, std::move(h));
}

void SftpServer::do_read(const Request& q) {
  Handle* h = find(q.handle, false);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  const size_t len = std::min<uint64_t>(q.length, kMaxRead);
  ssize_t n = 0;
  int err = 0;
  // Straight into the reply: the data is copied once, kernel to queue.
  out_.append_with(kDataHeader + len, [&](std::vector<uint8_t>& v) {
    const size_t at = v.size();
    v.resize(at + kDataHeader + len);
    do {
      n = ::pread(h->fd.get(), v.data() + at + kDataHeader, len, static_cast<off_t>(q.offset));
    } while (n < 0 && errno == EINTR);
    err = errno;
    if (n > 0) {
      data_header(v.data() + at, q.id, static_cast<uint32_t>(n));
      v.resize(at + kDataHeader + static_cast<size_t>(n));
    } else {
      v.resize(at);
    }
  });
  if (n < 0) return errno_status(q.id, err);
  if (n == 0) return status(q.id, FX_EOF);
  h->bytes_read += static_cast<uint64_t>(n);
}

void SftpServer::do_write(const Request& q) {
  Handle* h = find(q.handle, false);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  size_t done = 0;
  while (done < q.data.size()) {
    ssize_t n = ::pwrite(h->fd.get(), q.data.data() + done, q.data.size() - done,
                         static_cast<off_t>(q.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_status(q.id, n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
    h->bytes_written += static_cast<uint64_t>(n);
  }
  status(q.id, FX_OK);
}

void SftpServer::do_stat(const Request& q, bool follow) {
  struct stat st {};
  proc::UniqueFd fd(path_fd(q.path, follow));
  if (!fd || ::fstat(fd.get(), &st) != 0) return errno_status(q.id, errno);
  wire::Writer w;
  put_attrs(w, q.id, attrs_from_stat(st));
  out_.append(w.bytes());
}

void SftpServer::do_fstat(const Request& q) {
  Handle* h = find(q.handle, false);
  if (h == nullptr) h = find(q.handle, true);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  struct stat st {};
  if (::fstat(h->fdnum(), &st) != 0) return errno_status(q.id, errno);
  wire::Writer w;
  put_attrs(w, q.id, attrs_from_stat(st));
  out_.append(w.bytes());
}

namespace {
std::string modtime_text(uint32_t t) {
  char buf[64] = "";
  time_t tt = t;
  struct tm tm {};
  if (localtime_r(&tt, &tm) != nullptr) strftime(buf, sizeof buf, "%Y%m%d-%H:%M:%S", &tm);
  return buf;
}
}  // namespace

// SETSTAT (follow) and lsetstat@openssh.com: size, mode, times, owner in
// sftp-server's order; each failure sets the status, the rest still run.
// Under SftpRoot the target is opened beneath the jail first and changed
// through that descriptor: by path, chmod/chown/utimes would reach files
// outside the jail, which Landlock does not stop.
void SftpServer::do_setstat(const Request& q, bool follow) {
  const Attrs& a = q.attrs;
  const char* name = q.path.c_str();
  if ((a.flags & ATTR_SIZE) && !follow) return status(q.id, FX_BAD_MESSAGE);  // nonsensical for a link
  if (!opts_.jail_root.empty()) {
    proc::UniqueFd fd(open_beneath_jail(q.path, follow, (a.flags & ATTR_SIZE) != 0));
    if (!fd) {
      const int err = errno;
      log_(fmt("Refusing setstat of \"%s\": %s", name, strerror(err)));
      return errno_status(q.id, err);
    }
    return setstat_fd(q.id, fd.get(), name, a);
  }
  const int at_flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
  int err = 0;
  if (a.flags & ATTR_SIZE) {
    log_(fmt("set \"%s\" size %llu", name, static_cast<unsigned long long>(a.size)));
    proc::UniqueFd fd(::openat(start_fd_.get(), name, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd || ::ftruncate(fd.get(), static_cast<off_t>(a.size)) != 0) err = errno;
  }
  if (a.flags & ATTR_PERMISSIONS) {
    log_(fmt("set \"%s\" mode %04o", name, a.perm & 07777));
    if (::fchmodat(start_fd_.get(), name, a.perm & 07777, at_flags) != 0) err = errno;
  }
  if (a.flags & ATTR_ACMODTIME) {
    log_(fmt("set \"%s\" modtime %s", name, modtime_text(a.mtime).c_str()));
    struct timespec ts[2] = {{static_cast<time_t>(a.atime), 0}, {static_cast<time_t>(a.mtime), 0}};
    if (::utimensat(start_fd_.get(), name, ts, at_flags) != 0) err = errno;
  }
  if (a.flags & ATTR_UIDGID) {
    log_(fmt("set \"%s\" owner %lu group %lu", name, static_cast<unsigned long>(a.uid),
             static_cast<unsigned long>(a.gid)));
    if (::fchownat(start_fd_.get(), name, a.uid, a.gid, at_flags) != 0) err = errno;
  }
  errno_status(q.id, err);
}

std::optional<std::string> SftpServer::jail_relative(const std::string& path) const {
  std::string root = opts_.jail_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::string abs = absolute(path);
  std::string rel;
  if (root == "/") rel = abs;
  else if (abs == root) rel = ".";
  else if (abs.compare(0, root.size(), root) == 0 && abs[root.size()] == '/') rel = abs.substr(root.size());
  else return std::nullopt;
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  if (rel.empty()) rel = ".";
  return rel;
}

int SftpServer::path_fd(const std::string& path, bool follow) {
  const int nofollow = follow ? 0 : O_NOFOLLOW;
  if (opts_.jail_root.empty())
    return ::openat(start_fd_.get(), path.c_str(), O_PATH | O_CLOEXEC | nofollow);
  const auto rel = jail_relative(path);
  if (!jail_fd_ || !rel) return errno = EACCES, -1;
  open_how how{};
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  how.flags = O_PATH | O_CLOEXEC | static_cast<uint64_t>(nofollow);
  const long fd = syscall(SYS_openat2, jail_fd_.get(), rel->c_str(), &how, sizeof how);
  if (fd < 0 && errno == EXDEV) errno = EACCES;  // it leads out of the root
  return static_cast<int>(fd);
}

int SftpServer::open_beneath_jail(const std::string& path, bool follow, bool for_size) {
  if (!jail_fd_) return errno = EACCES, -1;
  const auto jailed = jail_relative(path);
  if (!jailed) return errno = EACCES, -1;
  const std::string& rel = *jailed;
  // The kernel resolves it, "..", and symlinks included, and refuses
  // (EXDEV) whatever would leave the root. A size change needs a writable
  // descriptor; otherwise read access is tried first (directories), then
  // write (upload-only grants no reading of files). Neither truncates.
  open_how how{};
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const uint64_t base = O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW);
  long fd = -1;
  for (const uint64_t access : {for_size ? O_WRONLY : O_RDONLY, O_WRONLY}) {
    how.flags = base | access;
    fd = syscall(SYS_openat2, jail_fd_.get(), rel.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != EACCES && errno != EISDIR)) break;
  }
  return static_cast<int>(fd);
}

void SftpServer::do_fsetstat(const Request& q) {
  Handle* h = find(q.handle, false);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  setstat_fd(q.id, h->fd.get(), h->path.c_str(), q.attrs);
}

void SftpServer::setstat_fd(uint32_t id, int fd, const char* name, const Attrs& a) {
  int err = 0;
  if (a.flags & ATTR_SIZE) {
    log_(fmt("set \"%s\" size %llu", name, static_cast<unsigned long long>(a.size)));
    // upload-only: nothing is cut short, not even a file this server made.
    if (opts_.upload_only) err = EACCES;
    else if (::ftruncate(fd, static_cast<off_t>(a.size)) != 0) err = errno;
  }
  if (a.flags & ATTR_PERMISSIONS) {
    log_(fmt("set \"%s\" mode %04o", name, a.perm & 07777));
    if (::fchmod(fd, a.perm & 07777) != 0) err = errno;
  }
  if (a.flags & ATTR_ACMODTIME) {
    log_(fmt("set \"%s\" modtime %s", name, modtime_text(a.mtime).c_str()));
    struct timespec ts[2] = {{static_cast<time_t>(a.atime), 0}, {static_cast<time_t>(a.mtime), 0}};
    if (::futimens(fd, ts) != 0) err = errno;
  }
  if (a.flags & ATTR_UIDGID) {
    log_(fmt("set \"%s\" owner %lu group %lu", name, static_cast<unsigned long>(a.uid),
             static_cast<unsigned long>(a.gid)));
    if (::fchown(fd, a.uid, a.gid) != 0) err = errno;
  }
  errno_status(id, err);
}

// --- Directories ----------------------------------------------------------------

void SftpServer::do_opendir(const Request& q) {
  log_(fmt("opendir \"%s\"", q.path.c_str()));
  if (handles_.size() >= kMaxHandles) return status(q.id, FX_FAILURE);
  proc::UniqueFd fd(::openat(start_fd_.get(), q.path.c_str(),
                             O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return errno_status(q.id, errno);
  DIR* d = ::fdopendir(fd.get());
  if (d == nullptr) return errno_status(q.id, errno);
  fd.release();
  auto h = std::make_unique<Handle>();
  h->kind = Handle::kDir;
  h->dir = d;
  h->path = q.path;
  reply_new_handle(q.id, std::move(h));
}

void SftpServer::do_readdir(const Request& q) {
  Handle* h = find(q.handle, true);
  if (h == nullptr) return status(q.id, FX_FAILURE);
  std::vector<NameEntry> batch;
  const time_t now = ::time(nullptr);
  int err = 0;
  while (batch.size() < kReaddirBatch) {
    errno = 0;
    struct dirent* e = ::readdir(h->dir);
    if (e == nullptr) {
      err = errno;
      break;
    }
    struct stat st {};
    // An entry that vanished since readdir is skipped, as sftp-server does.
    if (::fstatat(dirfd(h->dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    NameEntry n;
    n.name = e->d_name;
    n.longname = longname(n.name, st, user_name(st.st_uid), group_name(st.st_gid), now);
    n.attrs = attrs_from_stat(st);
    batch.push_back(std::move(n));
  }
  if (batch.empty()) return err != 0 ? errno_status(q.id, err) : status(q.id, FX_EOF);
  names(q.id, batch);
}

std::string SftpServer::user_name(uint32_t uid) {
  auto it = user_names_.find(uid);
  if (it != user_names_.end()) return it->second;
  const struct passwd* pw = ::getpwuid(uid);
  std::string name = pw != nullptr ? pw->pw_name : std::to_string(uid);
  if (user_names_.size() < 1024) user_names_[uid] = name;
  return name;
}

std::string SftpServer::group_name(uint32_t gid) {
  auto it = group_names_.find(gid);
  if (it != group_names_.end()) return it->second;
  const struct group* gr = ::getgrgid(gid);
  std::string name = gr != nullptr ? gr->gr_name : std::to_string(gid);
  if (group_names_.size() < 1024) group_names_[gid] = name;
  return name;
}

// --- Name operations ----------------------------------------------------------

void SftpServer::do_simple(const Request& q) {
  const int at = start_fd_.get();
  const char* a = q.path.c_str();
  const char* b = q.path2.c_str();
  int r = -1;
  switch (q.op) {
    case Op::kRemove:
      log_(fmt("remove name \"%s\"", a));
      r = ::unlinkat(at, a, 0);
      break;
    case Op::kMkdir: {
      const unsigned mode = (q.attrs.flags & ATTR_PERMISSIONS) ? (q.attrs.perm & 07777) : 0777;
      log_(fmt("mkdir name \"%s\" mode 0%o", a, mode));
      UmaskScope scope(create_umask());
      r = ::mkdirat(at, a, mode);
      break;
    }
    case Op::kRmdir:
      log_(fmt("rmdir name \"%s\"", a));
      r = ::unlinkat(at, a, AT_REMOVEDIR);
      break;
    case Op::kRename:
      // filexfer-02's RENAME never replaces an existing target.
      log_(fmt("rename old \"%s\" new \"%s\"", a, b));
      r = ::renameat2(at, a, at, b, RENAME_NOREPLACE);
      if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {
        // A file system without RENAME_NOREPLACE: check, then rename.
        struct stat st {};
        if (::fstatat(at, b, &st, AT_SYMLINK_NOFOLLOW) == 0) {
          errno = EEXIST;
        } else {
          r = ::renameat(at, a, at, b);
        }
      }
      break;
    case Op::kPosixRename:
      log_(fmt("posix-rename old \"%s\" new \"%s\"", a, b));
      r = ::renameat(at, a, at, b);
      break;
    case Op::kSymlink:  // a: the link's target, b: the new link (PROTOCOL 4.1)
      log_(fmt("symlink old \"%s\" new \"%s\"", a, b));
      r = ::symlinkat(a, at, b);
      break;
    case Op::kHardlink:
      log_(fmt("hardlink old \"%s\" new \"%s\"", a, b));
      r = ::linkat(at, a, at, b, 0);
      break;
    default:
      break;
  }
  errno_status(q.id, r == 0 ? 0 : errno);
}

std::string SftpServer::absolute(const std::string& path) const {
  if (!path.empty() && path[0] == '/') return path;
  std::string base = start_;
  if (base.empty() || base.back() != '/') base += '/';
  return path.empty() ? base : base + path;
}

void SftpServer::do_readlink(const Request& q) {
  char buf[PATH_MAX];
  proc::UniqueFd fd(path_fd(q.path, false));
  const ssize_t n = fd ? ::readlinkat(fd.get(), "", buf, sizeof buf - 1) : -1;
  if (n < 0) return errno_status(q.id, errno);
  NameEntry e;
  e.name.assign(buf, static_cast<size_t>(n));
  e.longname = e.name;
  names(q.id, {e});
}

}  // namespace lpsshd::postauth::sftp
