// Datagrams on an AF_UNIX SOCK_SEQPACKET socket with descriptors attached by
// SCM_RIGHTS. The receiving side treats any surprise as a violation: a
// datagram larger than the buffer (MSG_TRUNC), dropped descriptors
// (MSG_CTRUNC), or more than four descriptors. The caller checks the exact
// descriptor count for the message type it parsed. Received descriptors
// arrive close-on-exec and owned by UniqueFd.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proc/unique_fd.h"

namespace lpsshd::proc {

enum class RecvStatus { kOk, kClosed, kError, kViolation };

// Sends one datagram; false on error (errno set). Blocks while the peer's
// queue is full.
bool send_datagram(int sock, std::span<const uint8_t> data, std::span<const int> fds = {});

enum class SendStatus { kSent, kWouldBlock, kError };

// Like send_datagram, but never blocks: kWouldBlock when the datagram does
// not fit now (poll for POLLOUT and try again); kError with errno set.
SendStatus try_send_datagram(int sock, std::span<const uint8_t> data,
                             std::span<const int> fds = {});

// Receives one datagram into buf (resized to the datagram's length, at most
// max_len). kViolation sets why.
RecvStatus recv_datagram(int sock, size_t max_len, std::vector<uint8_t>& buf,
                         std::vector<UniqueFd>& fds, std::string& why);

}  // namespace lpsshd::proc
