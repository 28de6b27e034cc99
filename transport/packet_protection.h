// One direction's packet protection after NEWKEYS, built from the negotiated
// rows of transport/algorithms.h and the keys the monitor derived. Three
// shapes cover every row (RFC 4253 6, OpenSSH's PROTOCOL):
//   - chacha20-poly1305@openssh.com: the length is encrypted with its own
//     key, the tag covers the encrypted length and payload;
//   - AES-GCM: the length is in the clear as additional data;
//   - a cipher with a MAC: encrypt-then-MAC (the length in the clear, the
//     MAC over length and ciphertext) or encrypt-and-MAC (RFC 4253 6.4: the
//     length encrypted with the payload, the MAC over the plaintext).
// PacketDecoder/PacketEncoder (packet.h) frame packets around it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/secret.h"
#include "transport/algorithms.h"

namespace lpsshd::transport {

// What a direction runs with: the rows and the KEX-derived key material,
// each exactly the row's size (RFC 4253 7.2: IV, encryption key,
// integrity key).
struct DirectionKeys {
  const CipherAlgorithm* cipher = nullptr;
  const MacAlgorithm* mac = nullptr;  // nullptr when the cipher is an AEAD
  crypto::SecretBytes iv, key, mac_key;
  DirectionKeys clone() const {
    return DirectionKeys{cipher, mac, iv.clone(), key.clone(), mac_key.clone()};
  }
  // The rows are set and each key has its row's size.
  bool complete() const;
};

// The 4-byte big-endian packet_length field where it travels in the clear
// (before the first NEWKEYS, AES-GCM, encrypt-then-MAC).
inline uint32_t length_field(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

class PacketProtection {
 public:
  virtual ~PacketProtection() = default;

  // Bytes of a packet needed before its length is known: 4, or a whole
  // cipher block where the length is encrypted with the payload.
  size_t length_bytes() const { return length_in_alignment_ ? block_ : 4; }
  // True when the 4-byte length counts in the block alignment (it is
  // encrypted with the payload); false when it is outside it.
  bool length_in_alignment() const { return length_in_alignment_; }
  size_t block_bytes() const { return block_; }
  size_t tag_bytes() const { return tag_; }

  // The packet length from the first length_bytes() bytes. May decrypt
  // them (and remember the result for open()); calling it again for the
  // same packet gives the same answer without consuming more keystream.
  virtual uint32_t packet_length(uint32_t seq, const uint8_t* first) = 0;
  // pkt: [4-byte length][body], len = 4 + body; tag follows. Authenticates
  // and decrypts the body into out (len - 4 bytes). False when the tag does
  // not match: nothing usable is in out then.
  virtual bool open(uint32_t seq, const uint8_t* pkt, size_t len, const uint8_t* tag,
                    uint8_t* out) = 0;
  // In place: encrypts pkt[0..len) as the shape requires and writes the tag.
  virtual void seal(uint32_t seq, uint8_t* pkt, size_t len, uint8_t* tag) = 0;

  // Where a cipher with its own counter stands (AES-GCM: invocations;
  // AES-CTR: blocks), so the postauth child resumes the preauth child's
  // stream; 0 for chacha20-poly1305, whose nonce is the sequence number.
  virtual uint64_t position() const { return 0; }
  virtual void set_position(uint64_t) {}

 protected:
  PacketProtection(size_t block, size_t tag, bool length_in_alignment)
      : block_(block), tag_(tag), length_in_alignment_(length_in_alignment) {}

 private:
  size_t block_, tag_;
  bool length_in_alignment_;
};

// Whether a cipher of this row can stand at `position` after between
// min_packets and max_packets packets under one key: what the monitor
// checks before the postauth child resumes a stream at a position the
// preauth child reported.
bool position_possible(const CipherAlgorithm& cipher, uint64_t position, uint64_t min_packets,
                       uint64_t max_packets);

// nullptr unless keys.complete().
std::unique_ptr<PacketProtection> make_protection(const DirectionKeys& keys);

}  // namespace lpsshd::transport
