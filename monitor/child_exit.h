// How a connection ended, once its current child closed the channel: the
// audit lines for a crash, a seccomp kill or a disconnect, and the exit code
// that tells the listener how the connection ended (for PerSourcePenalties).
// classify_child_exit() is pure, so unit tests drive it directly.
#pragma once

#include <string>
#include <vector>

#include "log/log.h"
#include "monitor/monitor_core.h"

namespace lpsshd::monitor {

struct ChildEnd {
  Child child = Child::kPreauth;  // whose channel closed
  int wait_status = -1;           // from waitpid; -1 when unknown (we killed it, or not ours)
  Phase phase = Phase::kKexInit;  // the core's phase at that moment
  int failures = 0;               // failed authentication attempts
  int exit_code = 0;              // so far: 0, or kExitCrash after a violation
                                  // (a postauth child's end is always kExitNormal:
                                  // it is the user's, see classify_child_exit)
  std::string user_name;          // postauth: the logged-in user
  std::string user_for_log;       // preauth: MonitorCore::user_for_log()
  Peer peer;
};

struct LogLine {
  log::Level level;
  std::string text;
  friend bool operator==(const LogLine&, const LogLine&) = default;
};

struct ChildExitReport {
  int exit_code;  // a listener_protocol::ExitCode
  std::vector<LogLine> log;
};

ChildExitReport classify_child_exit(const ChildEnd& end);

// Writes the lines at their levels.
void log_lines(const std::vector<LogLine>& lines);

}  // namespace lpsshd::monitor
