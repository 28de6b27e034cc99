// Session accounting done by the monitor as root: utmp (who), wtmp (last)
// and lastlog, once per PTY at login and at logout.
#pragma once

#include <sys/types.h>

#include <string>

namespace lpsshd::monitor {

struct LoginRecord {
  std::string user;
  uid_t uid = 0;
  std::string tty;   // "/dev/pts/N"
  pid_t pid = 0;     // the session's process in utmp
  std::string host;  // client address
};

// "Last login: Sun Nov 22 18:58:11 2026 from 10.0.0.1", or empty when the
// user never logged in. Read before record_login() overwrites it.
std::string last_login_line(uid_t uid);

void record_login(const LoginRecord& r);
void record_logout(const LoginRecord& r);

}  // namespace lpsshd::monitor
