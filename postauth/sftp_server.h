// The in-process SFTP server (internal-sftp): runs inside the postauth
// process, as the user, so it can never do more than the user could. It is
// fed the bytes of one channel and queues its replies; the channel backend
// moves bytes both ways as the windows allow.
//
// Contract for the channel backend:
//  - input(bytes): client bytes, any split. Complete packets are served in
//    order (so pipelining works); a partial one is kept. Serving pauses
//    while output() holds more than kOutputBound bytes: the rest stays
//    buffered, and input({}) resumes once the backend has drained output().
//  - wants_input(): false while paused or while kInputBound bytes wait; the
//    backend then stops reading and stops adjusting the client's window.
//  - failed(): a protocol error (oversized length, no INIT first, a packet
//    too short for its id); the backend closes the channel. error() says why.
//  - Destruction closes every handle and logs "session closed".
//
// Relative paths resolve against the start directory (-d, else home) through
// a directory descriptor: the server never chdir()s, since the postauth
// process is shared with the other channels. The process umask is replaced
// only for the moment of a create, and only when -u was given.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "postauth/sftp_options.h"
#include "postauth/sftp_wire.h"
#include "proc/unique_fd.h"
#include "transport/byte_queue.h"

namespace lpsshd::postauth::sftp {

struct SftpIdentity {
  std::string user;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string home;         // expand-path "~", home-directory "", default start dir
  std::string from = "UNKNOWN";  // client address, for the session lines
};

class SftpServer {
 public:
  static constexpr size_t kMaxHandles = 512;
  static constexpr size_t kOutputBound = 1024 * 1024;
  static constexpr size_t kInputBound = 4 * kMaxPacket;
  static constexpr size_t kReaddirBatch = 100;  // names per READDIR reply

  explicit SftpServer(SftpOptions opts, SftpIdentity who, std::function<void(std::string)> log);
  ~SftpServer();
  SftpServer(const SftpServer&) = delete;
  SftpServer& operator=(const SftpServer&) = delete;

  void input(std::span<const uint8_t> bytes);
  transport::ByteQueue& output() { return out_; }
  bool wants_input() const;
  bool failed() const { return !error_.empty(); }
  std::string error() const { return error_; }

  size_t open_handles() const { return handles_.size(); }

 private:
  struct Handle;
  size_t serve_from(wire::Bytes buf);
  bool paused() const;
  void serve(const Request& q);
  void fail(std::string why);
  // Replies.
  void status(uint32_t id, uint32_t code);
  void errno_status(uint32_t id, int err);
  void names(uint32_t id, const std::vector<NameEntry>& n);
  void extended_reply(uint32_t id, const wire::Writer& payload);
  // Handles: an index and a generation, so a stale handle never names the
  // file opened after it in the same slot.
  Handle* find(wire::Bytes h, bool want_dir);
  // Keeps h and answers request `id` with its HANDLE.
  void reply_new_handle(uint32_t id, std::unique_ptr<Handle> h);
  void close_handle(uint32_t id, wire::Bytes h);
  // Requests.
  void do_open(const Request& q);
  void do_read(const Request& q);
  void do_write(const Request& q);
  void do_stat(const Request& q, bool follow);
  void do_fstat(const Request& q);
  void do_setstat(const Request& q, bool follow);
  void do_fsetstat(const Request& q);
  // Applies SETSTAT attributes through an open descriptor (fsetstat and the
  // jailed setstat); `name` is for the log.
  void setstat_fd(uint32_t id, int fd, const char* name, const Attrs& a);
  // SftpRoot: opens `path` (as the client gave it) for a metadata change
  // only if it resolves beneath the jail root; -1 with errno set otherwise.
  int open_beneath_jail(const std::string& path, bool follow, bool for_size);
  // SftpRoot: `path` relative to the jail root, or nullopt when it names
  // something outside (as a string: ".." and links are the kernel's job).
  std::optional<std::string> jail_relative(const std::string& path) const;
  // An O_PATH descriptor for what `path` names; under SftpRoot resolved
  // beneath the root by the kernel (RESOLVE_BENEATH), so requests Landlock
  // has no right for (stat, readlink, statvfs, realpath) cannot look
  // outside either. -1 with errno set.
  int path_fd(const std::string& path, bool follow);
  void do_opendir(const Request& q);
  void do_readdir(const Request& q);
  void do_simple(const Request& q);  // remove, mkdir, rmdir, rename, links
  void do_realpath(const Request& q, bool expand);
  void do_readlink(const Request& q);
  void do_statvfs(const Request& q, int fd);
  void do_fsync(const Request& q);
  void do_limits(const Request& q);
  void do_copy_data(const Request& q);
  void do_home_directory(const Request& q);
  void do_users_groups(const Request& q);

  // A log line from a printf format, control bytes escaped.
  static std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
  std::string absolute(const std::string& path) const;
  std::string user_name(uint32_t uid);
  std::string group_name(uint32_t gid);
  int create_umask() const;

  SftpOptions opts_;
  SftpIdentity who_;
  std::function<void(std::string)> log_;
  std::string start_;       // absolute start directory
  proc::UniqueFd start_fd_;  // what relative paths resolve against
  proc::UniqueFd jail_fd_;   // SftpRoot (opts_.jail_root), else empty
  transport::ByteQueue out_;
  std::vector<uint8_t> in_;  // a partial packet, or bytes held back while paused
  bool initialised_ = false;
  std::string error_;
  std::map<uint32_t, std::unique_ptr<Handle>> handles_;
  uint32_t next_generation_ = 1;
  std::map<uint32_t, std::string> user_names_, group_names_;  // lookups cached
};

}  // namespace lpsshd::postauth::sftp
