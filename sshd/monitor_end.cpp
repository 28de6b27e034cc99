#include "sshd/monitor_end.h"

#include <sys/wait.h>

#include "monitor/listener_protocol.h"

namespace lpsshd::sshd {

namespace lp = listener_protocol;

std::optional<std::string> describe_monitor_end(const std::string& who, int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    std::string text = who + " killed by signal " + std::to_string(WTERMSIG(wait_status));
    if (WCOREDUMP(wait_status)) text += " (core dumped)";
    return text;
  }
  if (!WIFEXITED(wait_status)) return std::nullopt;  // stopped or continued: not an end
  switch (WEXITSTATUS(wait_status)) {
    case lp::kExitNormal:
    case lp::kExitError:  // the monitor logged why
    case lp::kExitAuthFail:
    case lp::kExitNoAuth:
    case lp::kExitGraceExceeded:
    case lp::kExitCrash:
    case 127:  // proc::spawn could not exec it: the listener logs a dropped connection
      return std::nullopt;
    default:
      // No code of the listener protocol: something other than the
      // monitor's own main() ended it (a runtime's exit, a library's exit()).
      return who + " exited with unexpected status " + std::to_string(WEXITSTATUS(wait_status));
  }
}

}  // namespace lpsshd::sshd
