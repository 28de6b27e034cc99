// The postauth child's SSH transport: the encrypted stream it took over from
// the preauth child, plus key re-exchange. A rekey is computed by the
// monitor exactly like the first exchange (this process relays the client's
// values and receives new keys); the session id never changes. While a
// rekey is running, outgoing connection-layer messages wait in a queue, as
// RFC 4253 7.1 requires.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "transport/packet_stream.h"

namespace lpsshd::postauth {

class Transport {
 public:
  Transport(int socket_fd, int monitor_fd, bool strict_kex)
      : stream_(socket_fd), monitor_fd_(monitor_fd), strict_kex_(strict_kex) {}

  transport::PacketStream& stream() { return stream_; }

  // Queues a connection-layer message (deferred during a rekey).
  void send(std::span<const uint8_t> payload);

  enum class Next { kNone, kMessage, kClosed, kError };
  // Decodes the next message from buffered input. Transport messages
  // (IGNORE, DEBUG, KEX, ...) are handled here; kMessage returns a
  // connection-layer message in payload. kClosed: the client disconnected.
  Next next(std::vector<uint8_t>& payload);

  // Between the client's KEXINIT and our NEWKEYS only key exchange messages
  // may be sent; callers stop producing channel data meanwhile.
  bool sending_paused() const { return kex_state_ == KexState::kWaitEcdh; }
  // Bytes queued for the socket (for backpressure).
  size_t output_size() const { return stream_.output_size(); }
  const std::string& error() const { return error_; }

  void disconnect(uint32_t reason, const std::string& description);

 private:
  enum class KexState { kIdle, kWaitEcdh, kWaitNewKeys };
  bool on_kexinit(std::span<const uint8_t> payload);
  bool on_ecdh(std::span<const uint8_t> payload);
  bool on_newkeys();
  bool fail(const std::string& why);

  transport::PacketStream stream_;
  int monitor_fd_;
  bool strict_kex_;
  KexState kex_state_ = KexState::kIdle;
  bool ignore_next_kex_packet_ = false;
  std::deque<std::vector<uint8_t>> deferred_;
  std::vector<uint8_t> pending_recv_key_;
  std::string error_;
};

}  // namespace lpsshd::postauth
