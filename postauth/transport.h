// The postauth child's SSH transport: the encrypted stream it took over from
// the preauth child, plus key re-exchange. Every exchange is computed by the
// monitor exactly like the first one (this process relays the client's
// values and receives new keys: transport/kex_relay.h); the session id never
// changes. While an exchange is running, outgoing connection-layer messages
// wait in a queue, as RFC 4253 7.1 requires.
//
// RekeyLimit: tick() starts an exchange when the keys have carried enough
// data, packets or time (transport/rekey_policy.h), and ends the connection
// rather than let a sequence number repeat under one key. Every exchange,
// whoever started it, must finish within the deadline the monitor sent; the
// messages it defers meanwhile count toward output_size(), which the event
// loop bounds.
//
// Compression (zlib@openssh.com): the caller turns it on per direction for
// the keys taken over; each exchange then sets it for its new keys (a fresh
// stream or none), the send side at our NEWKEYS, the receive side at the
// client's.
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
#include "transport/rekey_policy.h"

namespace lpsshd::postauth {

// Messages held during the exchange that follows authentication: a few
// small ones from a conforming client (it knows no channel id yet).
inline constexpr size_t kMaxHeldMessages = 64;
inline constexpr size_t kMaxHeldBytes = 64 * 1024;
// Replies queued while our side of an exchange runs, counted with their
// bookkeeping: the event loop stops reading the client long before this
// (output_size() counts them); reaching it ends the connection.
inline constexpr size_t kMaxDeferredBytes = 4 * 1024 * 1024;
inline constexpr size_t kDeferredOverhead = 64;

struct TransportLimits {
  transport::RekeyLimits rekey;
  uint32_t kex_deadline_s = 120;  // from the first KEXINIT of an exchange to its NEWKEYS
};

class Transport {
 public:
  // now_ms: the monotonic clock when the current keys took effect.
  Transport(int socket_fd, int monitor_fd, bool strict_kex, TransportLimits limits = {},
            uint64_t now_ms = 0)
      : stream_(socket_fd), monitor_fd_(monitor_fd), strict_kex_(strict_kex), limits_(limits),
        keyed_ms_(now_ms) {}

  transport::PacketStream& stream() { return stream_; }

  // Starts the exchange that follows authentication: asks the monitor for
  // the server's KEXINIT and sends it. False if the monitor refused.
  bool start_rekey(uint64_t now_ms = 0);

  // The clock and the counters: starts an exchange RekeyLimit calls for;
  // false (a DISCONNECT queued, error() says why) when an exchange ran past
  // its deadline or the keys are used up.
  bool tick(uint64_t now_ms);
  // Milliseconds until tick() has something to do by the clock; -1: never.
  int timeout_ms(uint64_t now_ms) const;
  bool exchanging() const { return kex_state_ != KexState::kIdle; }

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
  bool start_exchange(uint64_t now_ms);
  bool keys_used() const {
    return stream_.encoder().usage().packets(stream_.encoder().seq()) != 0 ||
           stream_.decoder().usage().packets(stream_.decoder().seq()) != 0;
  }
  bool fail(const std::string& why);

  transport::PacketStream stream_;
  int monitor_fd_;
  bool strict_kex_;
  TransportLimits limits_;
  uint64_t keyed_ms_;             // when the current keys took effect (both directions)
  uint64_t kex_started_ms_ = 0;   // when the running exchange began
  uint64_t now_ms_ = 0;           // the clock at the last tick()
  KexState kex_state_ = KexState::kIdle;
  bool ignore_next_kex_packet_ = false;
  bool rekey_after_auth_ = false;  // until the client's NEWKEYS of that exchange
  std::deque<std::vector<uint8_t>> deferred_;  // outgoing, during an exchange
  size_t deferred_bytes_ = 0;                  // their bytes and per-message cost
  std::deque<std::vector<uint8_t>> held_;      // incoming, until rekeyed after auth
  size_t held_bytes_ = 0;
  transport::DirectionKeys pending_recv_keys_;
  bool pending_recv_zlib_ = false;  // zlib@openssh.com from the client's NEWKEYS on
  std::string error_;
};

}  // namespace lpsshd::postauth
