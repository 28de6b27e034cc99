// The PTYs one connection holds: each is allocated for the postauth child's
// PtyRequest, recorded in utmp/wtmp/lastlog, and given back (logout recorded,
// terminal returned to root) on PtyRelease or when the connection ends.
//
// The monitor keeps each PTY's slave descriptor until then. While any
// descriptor of a PTY is open its /dev/pts index cannot go to another
// terminal, so the logout record and the return to root act on this
// session's terminal, not on another user's that got the same number after
// the postauth child (which the user controls) closed its copies. Only the
// slave is kept: the master stays with the user's side alone, so that its
// closing still hangs up the session (SIGHUP for the shell).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "monitor/auth_backend.h"
#include "monitor/child_outbox.h"
#include "monitor/login_record.h"
#include "proc/unique_fd.h"

namespace lpsshd::monitor {

class SessionPtys {
 public:
  // max_sessions: the most PTYs held at once (MaxSessions). host: the client
  // address for utmp.
  SessionPtys(int max_sessions, bool print_last_log, std::string host)
      : max_sessions_(max_sessions), print_last_log_(print_last_log), host_(std::move(host)) {}
  SessionPtys(const SessionPtys&) = delete;
  SessionPtys& operator=(const SessionPtys&) = delete;
  ~SessionPtys() { release_all(); }

  // Answers a PtyRequest: the PtyReply to send, carrying the master and a
  // copy of the slave, or a refusal (logged). session_pid is the session's
  // process for utmp.
  Outgoing allocate(const UserInfo& user, pid_t session_pid);
  // False if this connection does not hold `tty`.
  bool release(const std::string& tty);
  void release_all();
  // Slave descriptors held (one per PTY granted and not yet released).
  size_t held() const { return held_.size(); }

 private:
  struct Held {
    LoginRecord record;
    proc::UniqueFd slave;
  };
  int max_sessions_;
  bool print_last_log_;
  std::string host_;
  std::map<std::string, Held> held_;
};

}  // namespace lpsshd::monitor
