// The effective configuration, as the listener hands it to each monitor: the
// text of a sealed memfd on descriptor 3 (listener_protocol::kConfigFd).
#pragma once

#include "config/config.h"

namespace lpsshd::monitor {

// Reads and parses it, then closes the descriptor. False (with the parse
// error logged) if it cannot be read, is over 1 MiB, or does not parse.
bool read_listener_config(config::Config& cfg);

}  // namespace lpsshd::monitor
