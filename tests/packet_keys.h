// Keys for tests and fuzzers that drive the packet codec directly: a
// direction's DirectionKeys for a cipher row (and MAC row) from one buffer
// of key material, split in the order IV, key, MAC key.
#pragma once

#include <span>
#include <stdexcept>

#include "transport/packet_protection.h"

namespace lpsshd::testing {

inline transport::DirectionKeys keys_for(const transport::CipherAlgorithm& c,
                                         const transport::MacAlgorithm* m,
                                         std::span<const uint8_t> material) {
  const size_t mac_bytes = m ? m->key_bytes : 0;
  if (material.size() < c.iv_bytes + c.key_bytes + mac_bytes)
    throw std::invalid_argument("not enough key material");
  transport::DirectionKeys k;
  k.cipher = &c;
  k.mac = m;
  k.iv = crypto::SecretBytes(material.first(c.iv_bytes));
  k.key = crypto::SecretBytes(material.subspan(c.iv_bytes, c.key_bytes));
  k.mac_key = crypto::SecretBytes(material.subspan(c.iv_bytes + c.key_bytes, mac_bytes));
  return k;
}

// chacha20-poly1305@openssh.com from its 64 bytes of key.
inline transport::DirectionKeys chacha_keys(std::span<const uint8_t> key64) {
  for (const auto& c : transport::kCiphers)
    if (c.mode == transport::CipherMode::kChachaPoly) return keys_for(c, nullptr, key64);
  throw std::logic_error("no chacha20-poly1305 row");
}

}  // namespace lpsshd::testing
