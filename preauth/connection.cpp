#include "preauth/connection.h"

#include <poll.h>

#include "monitor/protocol.h"
#include "transport/ssh_msg.h"
#include "transport/version.h"
#include "wire/writer.h"

namespace lpsshd::preauth {

// The server's own packets count too: at most a few per packet received
// (a reply, a banner, a keyboard-interactive prompt).
static_assert(uint64_t{kMaxPacketsBeforeAuth} * 4 < monproto::kMaxStrictHandoverSeq);

bool Connection::wait(short events) {
  pollfd p{stream_.fd(), events, 0};
  while (true) {
    const int n = poll(&p, 1, -1);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

bool Connection::flush() {
  while (true) {
    auto r = stream_.flush();
    if (r == transport::IoResult::kOk) return true;
    if (r != transport::IoResult::kAgain || !wait(POLLOUT)) {
      error_ = "write failed";
      return false;
    }
  }
}

bool Connection::write_raw(std::string_view line) {
  stream_.send_raw(line);
  return flush();
}

std::string Connection::read_version() {
  transport::VersionParser parser;
  while (true) {
    switch (parser.parse(stream_.input())) {
      case transport::VersionParser::Status::kDone:
        stream_.consume_input(parser.consumed());
        return parser.version();
      case transport::VersionParser::Status::kError:
        error_ = parser.error();
        return "";
      case transport::VersionParser::Status::kNeedMore:
        break;
    }
    auto r = stream_.fill();
    if (r == transport::IoResult::kAgain) {
      if (!wait(POLLIN)) return "";
    } else if (r != transport::IoResult::kOk) {
      error_ = "connection closed before identification";
      return "";
    }
  }
}

bool Connection::read_packet(std::vector<uint8_t>& payload, bool strict) {
  while (true) {
    std::string why;
    auto d = stream_.next(payload, why);
    if (d == transport::PacketDecoder::Result::kError) {
      error_ = why;
      return false;
    }
    if (d == transport::PacketDecoder::Result::kPacket) {
      if (++received_ > kMaxPacketsBeforeAuth) {
        error_ = "too many packets before authentication";
        disconnect(ssh::kProtocolError, error_);
        return false;
      }
      const uint8_t type = payload[0];
      if (type == ssh::kDisconnect) {
        error_ = "received disconnect";
        return false;
      }
      if (type == ssh::kIgnore || type == ssh::kDebug || type == ssh::kUnimplemented) {
        if (strict) {
          error_ = "strict KEX violation: unexpected packet type " + std::to_string(type) +
                   " during key exchange";
          disconnect(ssh::kProtocolError, error_);
          return false;
        }
        continue;  // bounded: each costs the client a packet and frees its buffer
      }
      return true;
    }
    // Exactly one packet at a time: whatever follows the request that
    // ends authentication stays in the socket for the postauth child, which
    // reads it under keys this process never knew.
    auto r = stream_.fill_one_packet();
    if (r == transport::IoResult::kAgain) {
      if (!wait(POLLIN)) return false;
    } else if (r != transport::IoResult::kOk) {
      error_ = "connection closed";
      return false;
    }
  }
}

bool Connection::write_packet(std::span<const uint8_t> payload) {
  stream_.send(payload);
  return flush();
}

void Connection::disconnect(uint32_t reason, const std::string& description) {
  wire::Writer w;
  w.u8(ssh::kDisconnect).u32(reason).string(description).string("");
  stream_.send(w.bytes());
  flush();
}

}  // namespace lpsshd::preauth
