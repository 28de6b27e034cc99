// The preauth child's view of the client connection: blocking reads and
// writes of whole packets over a PacketStream, with the transport-level
// messages (IGNORE, DEBUG, UNIMPLEMENTED) handled here, and DISCONNECT.
// Blocking is fine: this process serves one client and the monitor bounds
// its lifetime with LoginGraceTime.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "transport/packet_stream.h"

namespace lpsshd::preauth {

// Packets a client may send before authentication ends (IGNOREs included).
// Real clients send a few dozen; the ignore flood of attacks_test.sh sends
// 100000. Kept far below the monitor's bound on the transport counters at
// handover (monproto::kMaxStrictHandoverSeq), so a client that floods and
// then logs in hears why it is cut off instead of the monitor seeing a
// counter no correct child reports.
inline constexpr uint32_t kMaxPacketsBeforeAuth = 1u << 20;

class Connection {
 public:
  explicit Connection(int fd) : stream_(fd) {}

  // Writes bytes before the binary protocol (the version line).
  bool write_raw(std::string_view line);
  // Reads the client's version line. Empty on failure.
  std::string read_version();

  // The next message for the protocol logic. `strict` (during the first key
  // exchange under strict KEX) makes any transport-level message fatal.
  bool read_packet(std::vector<uint8_t>& payload, bool strict = false);
  bool write_packet(std::span<const uint8_t> payload);
  // Sends SSH_MSG_DISCONNECT and flushes; the caller then exits.
  void disconnect(uint32_t reason, const std::string& description);
  // Writes everything queued on stream().
  bool flush();

  transport::PacketStream& stream() { return stream_; }
  const std::string& error() const { return error_; }
  uint32_t packets_received() const { return received_; }

 private:
  bool wait(short events);
  transport::PacketStream stream_;
  std::string error_;
  uint32_t received_ = 0;
};

}  // namespace lpsshd::preauth
