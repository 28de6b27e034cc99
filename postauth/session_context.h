// What every channel of this login shares: who the user is, where the
// connection comes from, the grant and settings the monitor sent, and the
// monitor channel (for PTYs), and the way to the log.
#pragma once

#include "monitor/protocol.h"
#include "postauth/user_log.h"
#include "postauth/user_process.h"

namespace lpsshd::postauth {

class AgentForwarding;

struct SessionContext {
  int monitor_fd = -1;
  UserAccount user;
  Endpoints endpoints;
  monproto::SessionSettings settings;
  UserLog* log = nullptr;  // lines for the daemon's log, through the monitor
  // The connection's agent socket (auth-agent-req@openssh.com); null where
  // none can be made.
  AgentForwarding* agent = nullptr;
};

}  // namespace lpsshd::postauth
