// The listener's accept loop: bound sockets, one lpsshd-monitor fork+exec per
// connection, signals through a signalfd. It never loads a host private key
// and never parses a byte from a client.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "proc/unique_fd.h"

namespace lpsshd::sshd {

// Binds every ListenAddress x Port. Empty string on success; otherwise one
// line such as "Bind to port 2222 on 0.0.0.0 failed: Address already in use."
// How many sockets bind_listeners() opens at most (one per address family
// of each ListenAddress x Port).
size_t listen_socket_count(const config::Config& cfg);

std::string bind_listeners(const config::Config& cfg, std::vector<proc::UniqueFd>& out);

// Serves until SIGTERM/SIGINT (returns 0) or SIGHUP (returns 1: the caller
// re-executes itself, as sshd does). config_fd is a sealed memfd holding the
// effective configuration, handed to every monitor.
// netns_fd/mntns_fd: the empty namespaces for preauth children, or -1.
int serve(const config::Config& cfg, std::vector<proc::UniqueFd>& listeners, int config_fd,
          bool log_stderr, int netns_fd, int mntns_fd);

}  // namespace lpsshd::sshd
