#include "monitor/session_ptys.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "log/log.h"
#include "monitor/protocol.h"
#include "monitor/pty_alloc.h"

namespace lpsshd::monitor {

Outgoing SessionPtys::allocate(const UserInfo& u, pid_t session_pid) {
  monproto::PtyReply reply;
  std::optional<AllocatedPty> pty;
  std::string error;
  if (static_cast<int>(held_.size()) < max_sessions_)
    pty = allocate_pty(u.uid, u.gid, error);
  else
    error = "too many PTYs for this connection (MaxSessions)";
  proc::UniqueFd slave_copy;
  if (pty) {
    slave_copy.reset(fcntl(pty->slave.get(), F_DUPFD_CLOEXEC, 3));
    if (!slave_copy) {
      error = std::string("dup: ") + std::strerror(errno);
      pty.reset();
    }
  }
  if (!pty) {
    log::error("session PTY for %s: %s", u.name.c_str(), error.c_str());
    return Outgoing(monproto::encode(reply));
  }
  LoginRecord rec{u.name, u.uid, pty->name, session_pid, host_};
  reply.ok = true;
  reply.tty = pty->name;
  if (print_last_log_) reply.last_login = last_login_line(u.uid);
  record_login(rec);
  std::vector<proc::UniqueFd> fds;
  fds.push_back(std::move(pty->master));  // ours closes once sent
  fds.push_back(std::move(slave_copy));
  held_[pty->name] = Held{rec, std::move(pty->slave)};
  return Outgoing(monproto::encode(reply), std::move(fds));
}

bool SessionPtys::release(const std::string& tty) {
  auto it = held_.find(tty);
  if (it == held_.end()) return false;
  // Still ours: the slave we hold keeps the index from being reused.
  record_logout(it->second.record);
  give_back_pty(it->second.slave.get());
  held_.erase(it);  // closes the slave
  return true;
}

void SessionPtys::release_all() {
  while (!held_.empty()) release(held_.begin()->first);
}

}  // namespace lpsshd::monitor
