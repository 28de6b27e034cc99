#include "transport/packet_protection.h"

#include "transport/packet.h"
#include "transport/protection_shapes.h"

namespace lpsshd::transport {

bool DirectionKeys::complete() const {
  if (cipher == nullptr || (mac == nullptr) != cipher->aead()) return false;
  if (iv.size() != cipher->iv_bytes || key.size() != cipher->key_bytes) return false;
  return mac == nullptr ? mac_key.size() == 0 : mac_key.size() == mac->key_bytes;
}

bool position_possible(const CipherAlgorithm& cipher, uint64_t position, uint64_t min_packets,
                       uint64_t max_packets) {
  switch (cipher.mode) {
    case CipherMode::kChachaPoly: return position == 0;  // its nonce is the sequence number
    case CipherMode::kAesGcm:  // one invocation per packet
      return position >= min_packets && position <= max_packets;
    case CipherMode::kAesCtr: {  // at least one block per packet, at most the largest packet's
      const uint64_t most = (4 + uint64_t{kMaxPacketLength}) / cipher.block_bytes + 1;
      return position >= min_packets && position <= max_packets * most;
    }
  }
  return false;
}

std::unique_ptr<PacketProtection> make_protection(const DirectionKeys& keys) {
  if (!keys.complete()) return nullptr;
  switch (keys.cipher->mode) {
    case CipherMode::kChachaPoly: return make_chachapoly_protection(keys);
    case CipherMode::kAesGcm: return make_aes_gcm_protection(keys);
    case CipherMode::kAesCtr: return make_cipher_mac_protection(keys);
  }
  return nullptr;
}

}  // namespace lpsshd::transport
