#include "transport/rekey_policy.h"

#include <algorithm>

namespace lpsshd::transport {

uint64_t default_rekey_bytes(size_t block_bytes) {
  if (block_bytes >= 16) return (uint64_t{1} << (2 * block_bytes)) * block_bytes;
  return uint64_t{1} << 30;
}

uint64_t effective_rekey_bytes(uint64_t configured, size_t block_bytes) {
  const uint64_t cap = default_rekey_bytes(block_bytes);
  return configured == 0 ? cap : std::min(configured, cap);
}

const char* rekey_due_name(RekeyDue d) {
  switch (d) {
    case RekeyDue::kNo: return "no";
    case RekeyDue::kData: return "data limit";
    case RekeyDue::kPackets: return "packet limit";
    case RekeyDue::kTime: return "time limit";
    case RekeyDue::kGiveUp: return "sequence numbers exhausted";
  }
  return "?";
}

RekeyDue rekey_due(KeyState send, KeyState recv, const RekeyLimits& limits, uint64_t now_ms,
                   uint64_t keyed_ms, bool exchanging) {
  const uint32_t sent = send.usage.packets(send.seq), received = recv.usage.packets(recv.seq);
  if (sent >= UINT32_MAX - kGiveUpMargin || received >= UINT32_MAX - kGiveUpMargin)
    return RekeyDue::kGiveUp;
  if (exchanging) return RekeyDue::kNo;
  // At least one packet under the current keys: a limit smaller than one
  // exchange's own traffic must not rekey in a loop.
  if (sent == 0 && received == 0) return RekeyDue::kNo;
  if (sent >= kRekeyPackets || received >= kRekeyPackets) return RekeyDue::kPackets;
  const uint64_t bytes = limits.bytes == 0 ? default_rekey_bytes(8) : limits.bytes;
  if (send.usage.bytes() >= bytes || recv.usage.bytes() >= bytes) return RekeyDue::kData;
  if (limits.interval_s != 0 && now_ms >= keyed_ms + uint64_t{limits.interval_s} * 1000)
    return RekeyDue::kTime;
  return RekeyDue::kNo;
}

}  // namespace lpsshd::transport
