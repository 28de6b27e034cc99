// The PTYs one connection holds: each is allocated for the postauth child's
// PtyRequest, recorded in utmp/wtmp/lastlog, and given back (logout recorded,
// node returned to root) on PtyRelease or when the connection ends.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "monitor/auth_backend.h"
#include "monitor/login_record.h"

namespace lpsshd::monitor {

class SessionPtys {
 public:
  // max_sessions: the most PTYs held at once (MaxSessions). host: the client
  // address for utmp.
  SessionPtys(int max_sessions, bool print_last_log, std::string host)
      : max_sessions_(max_sessions), print_last_log_(print_last_log), host_(std::move(host)) {}
  SessionPtys(const SessionPtys&) = delete;
  SessionPtys& operator=(const SessionPtys&) = delete;

  // Answers a PtyRequest on `channel`: a PtyReply with the master and slave
  // descriptors, or a refusal (logged). session_pid is the session's process
  // for utmp. False only if the reply could not be sent.
  bool allocate(int channel, const UserInfo& user, pid_t session_pid);
  // False if this connection does not hold `tty`.
  bool release(const std::string& tty);
  void release_all();

 private:
  int max_sessions_;
  bool print_last_log_;
  std::string host_;
  std::map<std::string, LoginRecord> held_;
};

}  // namespace lpsshd::monitor
