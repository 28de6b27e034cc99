// The postauth child's SSH transport: the encrypted stream it took over from
// the preauth child, plus key re-exchange. Every exchange is computed by the
// monitor exactly like the first one (this process relays the client's
// values and receives new keys: transport/kex_relay.h); the session id never
// changes. While an exchange is running, outgoing connection-layer messages
// wait in a queue, as RFC 4253 7.1 requires.
//
// RekeyAfterAuth: the session starts with an exchange the server starts at
// once (start_rekey), so it runs on keys the preauth child never knew.
// Until the client's NEWKEYS of that exchange only transport messages,
// CHANNEL_OPEN and GLOBAL_REQUEST are accepted (a conforming client cannot
// send more: it does not know a server channel id yet), and those are held
// and acted on only after the exchange; anything else ends the connection.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "transport/packet_stream.h"

namespace lpsshd::postauth {

// Messages held during the exchange that follows authentication.
inline constexpr size_t kMaxHeldMessages = 64;

class Transport {
 public:
  Transport(int socket_fd, int monitor_fd, bool strict_kex)
      : stream_(socket_fd), monitor_fd_(monitor_fd), strict_kex_(strict_kex) {}

  transport::PacketStream& stream() { return stream_; }

  // Starts the exchange that follows authentication: asks the monitor for
  // the server's KEXINIT and sends it. False if the monitor refused.
  bool start_rekey();

  // Queues a connection-layer message (deferred during a rekey).
  void send(std::span<const uint8_t> payload);

  enum class Next { kNone, kMessage, kClosed, kError };
  // Decodes the next message from buffered input. Transport messages
  // (IGNORE, DEBUG, KEX, ...) are handled here; kMessage returns a
  // connection-layer message in payload. kClosed: the client disconnected.
  Next next(std::vector<uint8_t>& payload);

  // From our KEXINIT to our NEWKEYS only key exchange messages may be
  // sent; callers stop producing channel data meanwhile.
  bool sending_paused() const {
    return kex_state_ == KexState::kSentKexInit || kex_state_ == KexState::kWaitEcdh;
  }
  // Bytes queued for the socket.
  size_t output_size() const { return stream_.output_size(); }
  // Those, plus what the messages deferred during an exchange hold (for
  // backpressure: postauth/backlog.h).
  size_t queued_bytes() const { return stream_.output_size() + deferred_bytes_; }
  const std::string& error() const { return error_; }

  void disconnect(uint32_t reason, const std::string& description);

 private:
  enum class KexState { kIdle, kSentKexInit, kWaitEcdh, kWaitNewKeys };
  bool on_kexinit(std::span<const uint8_t> payload);
  bool on_ecdh(std::span<const uint8_t> payload);
  bool on_newkeys();
  // While the exchange after authentication runs: holds what may wait,
  // refuses the rest. False (error_ set) ends the connection.
  bool hold_until_rekeyed(std::vector<uint8_t>& payload);
  bool fail(const std::string& why);

  transport::PacketStream stream_;
  int monitor_fd_;
  bool strict_kex_;
  KexState kex_state_ = KexState::kIdle;
  bool ignore_next_kex_packet_ = false;
  bool rekey_after_auth_ = false;  // until the client's NEWKEYS of that exchange
  std::deque<std::vector<uint8_t>> deferred_;  // outgoing, during an exchange
  size_t deferred_bytes_ = 0;                  // their bytes and per-message cost
  std::deque<std::vector<uint8_t>> held_;      // incoming, until rekeyed after auth
  crypto::SecretBytes pending_recv_key_;
  std::string error_;
};

}  // namespace lpsshd::postauth
