// A connection's endpoint in numeric form, for logs, environment variables
// (SSH_CLIENT, SSH_CONNECTION) and admission control. An IPv4 client seen
// through an IPv6 socket (::ffff:a.b.c.d) is reported as plain IPv4, so
// patterns and per-source limits treat it like any IPv4 client.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>

namespace lpsshd::proc {

struct SocketAddress {
  std::string text;  // "192.0.2.1" or "2001:db8::1"; "UNKNOWN" if not IP
  uint16_t port = 0;
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
};

SocketAddress describe_address(const sockaddr_storage& ss);
SocketAddress peer_address(int fd);
SocketAddress local_address(int fd);

}  // namespace lpsshd::proc
