// When the server starts a key exchange on its own, and when it must end the
// connection instead. Pure: the postauth transport asks it after every
// batch of packets and on its timer.
//
// A key is retired (RFC 4344 3; OpenSSH's RekeyLimit):
//   - after RekeyLimit bytes in either direction, never more than the
//     cipher's own bound (default_rekey_bytes);
//   - after RekeyLimit's interval, if one is set;
//   - after 2^31 packets in either direction, long before chacha20's nonce
//     (the sequence number) could repeat under the same key.
// If the peer lets a key run on to within kGiveUpMargin packets of a
// repeated nonce (it never finishes the exchange), the connection ends:
// never wrap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/packet.h"

namespace lpsshd::transport {

struct RekeyLimits {
  // Per direction under one key, as effective_rekey_bytes() gives it (0 is
  // read as 1 GiB, the smallest cipher bound).
  uint64_t bytes = 0;
  uint32_t interval_s = 0;   // 0: no time limit
};

// OpenSSH's defaults by cipher block size: 2^(2*block) blocks for 16-byte
// blocks (64 GiB for AES), 1 GiB for ciphers with smaller blocks (chacha20).
uint64_t default_rekey_bytes(size_t block_bytes);
// RekeyLimit's data part as applied: the configured value (0: default),
// never above the cipher's bound.
uint64_t effective_rekey_bytes(uint64_t configured, size_t block_bytes);

inline constexpr uint32_t kRekeyPackets = 1u << 31;
inline constexpr uint32_t kGiveUpMargin = 1u << 20;

enum class RekeyDue { kNo, kData, kPackets, kTime, kGiveUp };
const char* rekey_due_name(RekeyDue d);

struct KeyState {
  const KeyUsage& usage;
  uint32_t seq;  // the codec's next sequence number
};

// exchanging: a key exchange is already running (nothing new starts, but
// kGiveUp still applies). now_ms/keyed_ms: monotonic milliseconds now and
// when the current keys took effect.
RekeyDue rekey_due(KeyState send, KeyState recv, const RekeyLimits& limits, uint64_t now_ms,
                   uint64_t keyed_ms, bool exchanging);

}  // namespace lpsshd::transport
