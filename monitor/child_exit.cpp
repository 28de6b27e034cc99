#include "monitor/child_exit.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstdarg>
#include <cstdio>

#include "monitor/listener_protocol.h"

namespace lpsshd::monitor {

namespace {

namespace lp = listener_protocol;

// Formats as log::error() and friends do (and as long: they keep 2047 bytes).
__attribute__((format(printf, 2, 3))) LogLine line(log::Level level, const char* fmt, ...) {
  char text[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return LogLine{level, text};
}

}  // namespace

ChildExitReport classify_child_exit(const ChildEnd& e) {
  const bool post = e.child == Child::kPostauth;
  const int status = e.wait_status;
  const char* address = e.peer.address.c_str();
  const unsigned port = e.peer.port;
  ChildExitReport r{e.exit_code, {}};
  if (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
    r.log.push_back(line(log::Level::kError,
                         "%s child for %s port %u killed by the seccomp sandbox (SIGSYS): "
                         "suspected compromise", post ? "postauth" : "preauth", address, port));
  else if (status >= 0 && WIFSIGNALED(status))
    r.log.push_back(line(log::Level::kError, "%s child for %s port %u killed by signal %d",
                         post ? "postauth" : "preauth", address, port, WTERMSIG(status)));
  else if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) >= 2 && !post)
    r.log.push_back(line(log::Level::kVerbose, "preauth child for %s port %u exited with status %d",
                         address, port, WEXITSTATUS(status)));
  // Only a preauth child's crash, seccomp kill or protocol violation says
  // something about the source address (an attack on the sandbox). The
  // postauth child runs as the user, who may kill it (any signal, SIGSYS
  // included) or make it break the protocol at will: that is the user's
  // own session ending, and must not put a shared source address (a NAT)
  // under the crash penalty.
  if (post) r.exit_code = lp::kExitNormal;
  else if (status >= 0 && WIFSIGNALED(status) && r.exit_code == 0) r.exit_code = lp::kExitCrash;
  if (post && e.phase != Phase::kClosed)
    r.log.push_back(line(log::Level::kInfo, "Disconnected from user %s %s port %u",
                         e.user_name.c_str(), address, port));
  else if (r.exit_code == 0 && e.phase != Phase::kClosed) {
    // sshd's wording: "authenticating user U" or "invalid user U".
    std::string who = e.user_for_log;
    if (!who.empty() && !who.starts_with("invalid user ")) who = "authenticating user " + who;
    if (!who.empty()) who += ' ';
    r.log.push_back(line(log::Level::kInfo, "Connection closed by %s%s port %u [preauth]",
                         who.c_str(), address, port));
  }
  if (r.exit_code == 0 && !post)
    r.exit_code = e.failures > 0 ? lp::kExitAuthFail : lp::kExitNoAuth;
  return r;
}

void log_lines(const std::vector<LogLine>& lines) {
  for (const auto& l : lines) {
    switch (l.level) {
      case log::Level::kError: log::error("%s", l.text.c_str()); break;
      case log::Level::kInfo: log::info("%s", l.text.c_str()); break;
      case log::Level::kVerbose: log::verbose("%s", l.text.c_str()); break;
      default: log::debug("%s", l.text.c_str()); break;
    }
  }
}

}  // namespace lpsshd::monitor
