// Which forwardings a login may make, decided from its grant without system
// calls (unit-tested). Two lists restrict each direction, the
// administrator's (sshd_config PermitOpen / PermitListen) and the key's
// (permitopen= / permitlisten=): a request must pass both, so the more
// restrictive wins. An empty list does not restrict; "any" allows all and
// "none" nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace lpsshd::postauth {

// PermitOpen entries: host:port, [address]:port; host may be "*" and port
// "*". Host names compare as text, case-insensitively (like sshd, no name
// resolution: "localhost" does not allow "127.0.0.1").
bool open_permitted(const std::vector<std::string>& list, std::string_view host, uint32_t port);

// PermitListen entries: port, host:port, [address]:port; host a pattern,
// port "*". An entry without a host allows only loopback ("localhost"), as
// sshd. Port 0 (the server chooses) needs an entry with port "*".
bool listen_permitted(const std::vector<std::string>& list, std::string_view address, uint32_t port);

// GatewayPorts: where a remote forward's listener is bound.
enum class GatewayPorts : uint8_t { kNo = 0, kYes = 1, kClientSpecified = 2 };
struct BindTarget {
  bool wildcard = false;  // every address of the host
  std::string host;       // empty and not wildcard: loopback only
};
BindTarget bind_target(GatewayPorts gw, std::string_view requested);

// Ports below 1024 are for root (sshd: "privileged port"), whatever the
// kernel's ip_unprivileged_port_start says.
inline bool privileged_port_refused(uint32_t port, uid_t uid) {
  return port != 0 && port < 1024 && uid != 0;
}

}  // namespace lpsshd::postauth
