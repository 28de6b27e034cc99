// A child's share of a key exchange that the monitor computes. The preauth
// child (first exchange) and the postauth child (every later one) relay it
// the same way, with this one code:
//   - the client's KEX_ECDH_INIT (Q_C, bounded here; the monitor checks its
//     exact size for the method) goes to the monitor, which picks its own
//     ephemeral key, computes K and H and signs only the H it computed;
//   - the KEX_ECDH_REPLY and NEWKEYS made from the monitor's answer go to
//     the client, and the send direction switches to the new key at once
//     (RFC 4253 7.3; under strict KEX the sequence number restarts);
//   - the receive key is kept until the client's NEWKEYS.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "crypto/secret.h"
#include "transport/packet_protection.h"
#include "transport/packet_stream.h"

namespace lpsshd::transport {

struct EcdhRelay {
  bool ok = false;
  // When !ok: what to tell the client (0: nothing, the monitor is gone) and why.
  uint32_t disconnect_reason = 0;
  std::string error;
  DirectionKeys recv_keys;  // for switch_receive_key() at the client's NEWKEYS
  // What the monitor says these keys compress with (zlib@openssh.com), per
  // direction: only ever true after authentication. The postauth child
  // applies it; the preauth child never compresses and ignores it.
  bool zlib_ctos = false, zlib_stoc = false;
};

// payload: the client's KEX_ECDH_INIT message. The reply and NEWKEYS are
// queued on `stream` (the caller flushes).
EcdhRelay relay_ecdh(PacketStream& stream, int monitor_fd, std::span<const uint8_t> payload,
                     bool strict_kex);

// The client's NEWKEYS arrived: later packets are read with `keys`, which
// are wiped here.
void switch_receive_key(PacketStream& stream, DirectionKeys& keys, bool strict_kex);

}  // namespace lpsshd::transport
