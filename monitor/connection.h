// The monitor's event loop for one connection: it starts the preauth child,
// answers its requests through MonitorCore, starts the postauth child as the
// user after authentication (through the PAM helper with UsePAM), serves its
// PTY requests, and stays until the connection ends.
#pragma once

#include "config/config.h"
#include "crypto/secret.h"
#include "monitor/monitor_core.h"

namespace lpsshd::monitor {

// Where the preauth child runs, from the listener's command line.
struct PreauthPlacement {
  bool namespaces = false;  // -N: fds 4 and 5 are the empty namespaces to join
  long uid = 0;             // -U: this connection's own preauth uid/gid (0: PreauthUser)
};

// Runs the connection to its end. However it ends, its PTYs are logged out
// and given back and the PAM session is closed. Returns the monitor's exit
// code: a listener_protocol::ExitCode, or 1 if the loop itself failed.
// delay_secret: for the per-user authentication failure delay
// (failure_delay_secret() of the host key, monitor/auth_delay.h).
int run_connection(const config::Config& cfg, MonitorCore& core, Peer peer,
                   PreauthPlacement preauth, const crypto::SecretBytes& delay_secret);

}  // namespace lpsshd::monitor
