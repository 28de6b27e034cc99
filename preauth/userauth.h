// The user-authentication protocol (RFC 4252) as the preauth child runs it:
// it parses the client's requests and asks the monitor for every decision.
// The child cannot grant access: success is a monitor reply, and only the
// monitor's own checks produce one.
#pragma once

#include <string_view>

#include "preauth/connection.h"

namespace lpsshd::preauth {

// Runs from the service request to SSH_MSG_USERAUTH_SUCCESS. True when the
// monitor granted access; then the transport is handed back to it.
// server_sig_algs: the monitor's accepted public key algorithms (Hello), sent
// in EXT_INFO when the client asked for it.
bool run_userauth(Connection& conn, int monitor_fd, bool client_ext_info,
                  std::string_view server_sig_algs);

// After success: tell the monitor the transport counters and the bytes read
// but not decoded, so the postauth child can continue the stream.
bool hand_over(Connection& conn, int monitor_fd);

}  // namespace lpsshd::preauth
