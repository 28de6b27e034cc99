// Starting the user's command for a session channel: the user's shell with
// "-c COMMAND" (exec) or as a login shell (shell), in a new session, with
// pipes for stdin, stdout and stderr, an empty signal mask, default signal
// handlers, no descriptor above 2, and the environment it is given
// (postauth/session_environment.h).
// The command string goes to the shell as one argv element: it is never
// spliced into another command line.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "proc/unique_fd.h"

namespace lpsshd::postauth {

struct UserAccount {
  std::string name, home, shell;
  uid_t uid;
  gid_t gid;
  // The core-dump limit the postauth process started with: it sets its own
  // to zero (it holds keys) and gives the user's commands this one back.
  rlimit core_limit{0, 0};
};

// The connection's addresses, for SSH_CLIENT and SSH_CONNECTION.
struct Endpoints {
  std::string client_ip, server_ip;
  uint16_t client_port = 0, server_port = 0;
};

Endpoints endpoints_of(int socket_fd);

struct UserProcess {
  pid_t pid = -1;
  proc::UniqueFd stdin_w, stdout_r, stderr_r;  // our ends, non-blocking
};

// With a terminal, the PTY slave becomes descriptors 0-2 and the controlling
// terminal of the new session; `banner` (last login, motd) is written to it
// before exec. The caller keeps the master.
struct Terminal {
  int slave_fd = -1;
  std::string banner;
};

// command empty: a login shell ("-bash"); else shell -c command. Without a
// terminal, pipes connect stdin, stdout and stderr; with one, the returned
// stdin_w/stdout_r are duplicates of `master` and stderr_r is empty.
std::optional<UserProcess> start_user_process(const UserAccount& user,
                                              const std::vector<std::string>& env,
                                              const std::optional<std::string>& command,
                                              const Terminal* terminal = nullptr,
                                              int master_fd = -1);

// What sshd prints at an interactive login: the last-login line and
// /etc/motd, unless ~/.hushlogin exists.
std::string login_banner(const UserAccount& user, const std::string& last_login, bool print_motd);

}  // namespace lpsshd::postauth
