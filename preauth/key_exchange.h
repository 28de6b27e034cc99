// The first key exchange, driven by the preauth child: the server's KEXINIT
// has gone out with the version line; this relays the client's version,
// KEXINIT and ephemeral key to the monitor and sends the client what the
// monitor computed. It never sees the shared secret or the
// host key; it receives only the keys it needs to run the transport.
#pragma once

#include <string>

#include "preauth/connection.h"

namespace lpsshd::preauth {

struct KexResult {
  bool strict_kex = false;
  bool client_ext_info = false;
  std::string error;  // set when the exchange failed; the child then exits
};

KexResult run_first_kex(Connection& conn, int monitor_fd, const std::string& client_version);

}  // namespace lpsshd::preauth
