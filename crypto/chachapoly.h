// chacha20-poly1305@openssh.com, the packet cipher of OpenSSH's PROTOCOL.chacha20poly1305:
// 64 bytes of key material split into K_2 (first 32, payload and MAC) and
// K_1 (last 32, the length field only); the nonce is the packet sequence
// number as a 64-bit big-endian integer; the Poly1305 key is keystream block 0
// of K_2; the payload uses K_2 from block 1; the tag covers the encrypted
// length and the encrypted payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/secret.h"

namespace lpsshd::crypto {

class ChachaPoly {
 public:
  static constexpr size_t kKeyBytes = 64;
  static constexpr size_t kTagBytes = 16;

  // key must be kKeyBytes long; the object keeps its own wiped copy.
  explicit ChachaPoly(std::span<const uint8_t> key);

  // Decrypts only the 4-byte length field (to learn how much more to read).
  uint32_t packet_length(uint32_t seq, const uint8_t enc_len[4]) const;

  // In place: pkt is [4-byte length][body], len = 4 + body length. Encrypts
  // both parts and writes the tag to tag[16].
  void seal(uint32_t seq, uint8_t* pkt, size_t len, uint8_t* tag) const;

  // Verifies tag over pkt[0..len) in constant time, then decrypts the body
  // (bytes 4..len) into out (len-4 bytes). False if the tag does not match;
  // nothing is decrypted then.
  bool open(uint32_t seq, const uint8_t* pkt, size_t len, const uint8_t* tag, uint8_t* out) const;

 private:
  SecretBytes key_;  // K_2 || K_1
  const uint8_t* main_key() const { return key_.data(); }
  const uint8_t* header_key() const { return key_.data() + 32; }
};

}  // namespace lpsshd::crypto
