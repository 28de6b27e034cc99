#include "proc/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace lpsshd::proc {

SocketAddress describe_address(const sockaddr_storage& ss) {
  SocketAddress a;
  char text[INET6_ADDRSTRLEN] = "UNKNOWN";
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    std::memcpy(a.bytes.data(), &in->sin_addr, 4);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    a.port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    a.port = ntohs(in6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      std::memcpy(a.bytes.data(), &in6->sin6_addr.s6_addr[12], 4);
      inet_ntop(AF_INET, a.bytes.data(), text, sizeof text);
    } else {
      a.v6 = true;
      std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    }
  }
  a.text = text;
  return a;
}

SocketAddress peer_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return SocketAddress{"UNKNOWN"};
  return describe_address(ss);
}

SocketAddress local_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return SocketAddress{"UNKNOWN"};
  return describe_address(ss);
}

}  // namespace lpsshd::proc
