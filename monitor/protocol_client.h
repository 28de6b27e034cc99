// The child side of the monitor protocol: one request, one reply, blocking.
// A reply that does not parse as the expected type means the monitor is
// gone or confused; the child then exits.
#pragma once

#include <sodium.h>

#include "monitor/protocol.h"
#include "proc/fd_passing.h"

namespace lpsshd::monproto {

template <class Reply>
bool receive(int channel, Reply& reply) {
  std::vector<uint8_t> buf;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  if (proc::recv_datagram(channel, kMaxMessage, buf, fds, why) != proc::RecvStatus::kOk)
    return false;
  const bool ok = fds.empty() && decode(buf, reply);
  sodium_memzero(buf.data(), buf.size());  // replies may carry keys
  return ok;
}

// For replies that carry descriptors (PtyReply): the caller checks the count.
template <class Reply>
bool receive_with_fds(int channel, Reply& reply, std::vector<proc::UniqueFd>& fds) {
  std::vector<uint8_t> buf;
  std::string why;
  if (proc::recv_datagram(channel, kMaxMessage, buf, fds, why) != proc::RecvStatus::kOk)
    return false;
  return decode(buf, reply);
}

template <class Request>
bool send(int channel, const Request& req) {
  auto bytes = encode(req);
  return proc::send_datagram(channel, bytes);
}

template <class Request, class Reply>
bool call(int channel, const Request& req, Reply& reply) {
  return send(channel, req) && receive(channel, reply);
}

}  // namespace lpsshd::monproto
