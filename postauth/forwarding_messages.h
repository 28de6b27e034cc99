// The type-specific data of the forwarding channel opens and global
// requests (RFC 4254 7; OpenSSH PROTOCOL 2.4 for the streamlocal names),
// parsed and built without system calls so the fuzzer and tests drive them
// directly. Each parse consumes its input exactly or fails; a failure is a
// protocol error (the connection ends). Host names and paths are refused
// when they hold NUL bytes or exceed the limits below: they reach
// getaddrinfo() and bind()/connect() as C strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/reader.h"

namespace lpsshd::postauth {

// A DNS name is at most 253 bytes; an address literal fits in that too.
inline constexpr size_t kMaxForwardHost = 255;
// sockaddr_un's sun_path is 108 bytes with its NUL.
inline constexpr size_t kMaxSocketPath = 107;

// CHANNEL_OPEN "direct-tcpip": string host to connect, uint32 port,
// string originator address, uint32 originator port.
struct DirectTcpip {
  std::string host;
  uint32_t port = 0;
  std::string origin;
  uint32_t origin_port = 0;
};
bool parse_direct_tcpip(wire::Bytes extra, DirectTcpip& out);

// CHANNEL_OPEN "direct-streamlocal@openssh.com": string socket path,
// string reserved, uint32 reserved.
bool parse_direct_streamlocal(wire::Bytes extra, std::string& path);

// GLOBAL_REQUEST "tcpip-forward" and "cancel-tcpip-forward": string address
// to bind, uint32 port (0: the server chooses, tcpip-forward only).
struct TcpipForward {
  std::string address;
  uint32_t port = 0;
};
bool parse_tcpip_forward(wire::Bytes body, TcpipForward& out);

// GLOBAL_REQUEST "streamlocal-forward@openssh.com" and its cancel: string
// socket path.
bool parse_streamlocal_forward(wire::Bytes body, std::string& path);

// REQUEST_SUCCESS data for tcpip-forward with port 0: uint32 port bound.
std::vector<uint8_t> allocated_port_reply(uint16_t port);

// CHANNEL_OPEN "forwarded-tcpip" data: string address that was connected,
// uint32 port that was connected, string originator address, uint32
// originator port.
std::vector<uint8_t> forwarded_tcpip_data(const std::string& address, uint32_t port,
                                          const std::string& origin, uint32_t origin_port);
// CHANNEL_OPEN "forwarded-streamlocal@openssh.com" data: string socket
// path, string reserved.
std::vector<uint8_t> forwarded_streamlocal_data(const std::string& path);

}  // namespace lpsshd::postauth
