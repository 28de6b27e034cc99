// The binary packet protocol of RFC 4253 6 in both directions, plain before
// the first NEWKEYS and protected after it by the negotiated cipher and MAC
// (transport/packet_protection.h), with the
// payload compressed (zlib@openssh.com, transport/compression.h) in a
// direction whose compression was turned on. Pure: it turns byte buffers
// into payloads and back, and makes no system calls.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "transport/compression.h"
#include "transport/packet_protection.h"

namespace lpsshd::transport {

// Largest packet_length accepted from a peer (OpenSSH uses the same bound).
inline constexpr uint32_t kMaxPacketLength = 256 * 1024;
// Largest payload we send: RFC 4253 6.1 requires peers to take 32768.
inline constexpr size_t kMaxPayloadOut = 32768 + 1024;
// The longest tag or MAC any row appends (hmac-sha2-512).
inline constexpr size_t kMaxTagBytes = 64;

// How much one key has protected. chacha20-poly1305's nonce is the packet
// sequence number, so a key may seal at most 2^32 packets before a nonce
// would repeat; every key is retired one packet short of that (RFC 4344 3.1
// asks the same of every cipher), and a key change must come long before
// (rekey_policy.h decides when).
// Counted from the sequence number at set_key(), so a sequence number that
// restarts with a new key (strict KEX) is set BEFORE the key. A set_seq()
// after set_key() (the postauth child taking over a key in use) counts the
// packets up to that number as used: it over-counts, erring on the safe side.
class KeyUsage {
 public:
  void restart(uint32_t seq) {
    first_seq_ = seq;
    bytes_ = 0;
  }
  // Packets this key has sealed or opened (modulo 2^32: see last_nonce()).
  uint32_t packets(uint32_t seq) const { return seq - first_seq_; }
  uint64_t bytes() const { return bytes_; }
  void add(size_t n) { bytes_ += n; }
  // True when the next packet would reuse this key's first nonce.
  bool last_nonce(uint32_t seq) const { return packets(seq) == UINT32_MAX; }

 private:
  uint32_t first_seq_ = 0;
  uint64_t bytes_ = 0;
};

class PacketDecoder {
 public:
  enum class Result { kNeedMore, kPacket, kError };

  // Looks at in (unconsumed received bytes). kPacket: payload holds the
  // message, consumed how many bytes of in it used. kError: why says what
  // (bad length, bad padding, MAC failure, bad compressed data or a payload
  // that inflates past kMaxPacketLength); the connection must end.
  Result decode(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& payload,
                std::string& why);

  // How many bytes of `in` the next packet needs in all: 4 until its length
  // field is there, then the whole packet (capped at the largest accepted,
  // so a bad length is left for decode() to refuse). Lets a reader take
  // exactly one packet from the socket and nothing after it.
  // (Not const: where the length is encrypted with the payload, learning
  // it decrypts the first block, once per packet.)
  size_t bytes_needed(std::span<const uint8_t> in);

  // From the next packet on, packets are protected with these keys. False
  // (and nothing changes) unless keys.complete().
  bool set_keys(const DirectionKeys& keys) {
    auto p = make_protection(keys);
    if (!p) return false;
    usage_.restart(seq_);
    cipher_ = std::move(p);
    return true;
  }
  bool encrypted() const { return cipher_ != nullptr; }
  // The cipher's own position (PacketProtection::position()), for the
  // handover to the postauth child, which sets it on the same keys.
  uint64_t cipher_position() const { return cipher_ ? cipher_->position() : 0; }
  void set_cipher_position(uint64_t n) {
    if (cipher_) cipher_->set_position(n);
  }
  uint32_t seq() const { return seq_; }
  void set_seq(uint32_t s) { seq_ = s; }
  const KeyUsage& usage() const { return usage_; }

  // From the next packet on, payloads are inflated by a fresh stream (on)
  // or taken as they are (off). Only the postauth child turns it on.
  void set_compression(bool on) { inflater_ = on ? std::make_unique<Inflater>() : nullptr; }
  bool compressing() const { return inflater_ != nullptr; }

 private:
  uint32_t checked_length(std::span<const uint8_t> in, bool& bad, std::string& why);
  std::unique_ptr<PacketProtection> cipher_;
  uint32_t seq_ = 0;
  KeyUsage usage_;
  std::unique_ptr<Inflater> inflater_;
  std::vector<uint8_t> inflated_;  // reused between packets
};

class PacketEncoder {
 public:
  // Appends one packet carrying payload (deflated first when compressing)
  // to out. Never reuses a nonce: once a key is used up nothing more is
  // sealed and exhausted() turns true (the caller disconnects;
  // rekey_policy.h keeps this from happening). A compression failure (out
  // of memory) stops it the same way.
  void encode(std::span<const uint8_t> payload, std::vector<uint8_t>& out);

  // From the next packet on, packets are protected with these keys. False
  // (and nothing changes) unless keys.complete().
  bool set_keys(const DirectionKeys& keys) {
    auto p = make_protection(keys);
    if (!p) return false;
    usage_.restart(seq_);
    cipher_ = std::move(p);
    return true;
  }
  bool encrypted() const { return cipher_ != nullptr; }
  // The cipher's own position (PacketProtection::position()), for the
  // handover to the postauth child, which sets it on the same keys.
  uint64_t cipher_position() const { return cipher_ ? cipher_->position() : 0; }
  void set_cipher_position(uint64_t n) {
    if (cipher_) cipher_->set_position(n);
  }
  uint32_t seq() const { return seq_; }
  void set_seq(uint32_t s) { seq_ = s; }
  const KeyUsage& usage() const { return usage_; }
  bool exhausted() const { return exhausted_; }

  // From the next packet on, payloads are deflated by a fresh stream (on)
  // or sent as they are (off).
  void set_compression(bool on) { deflater_ = on ? std::make_unique<Deflater>() : nullptr; }
  bool compressing() const { return deflater_ != nullptr; }
  // The most bytes encode() appends for a payload of n bytes (so a caller
  // can reserve room once).
  static size_t max_encoded(size_t n, bool compressing) {
    // Deflate's worst case: stored blocks of 5 bytes' overhead per 16 KiB
    // and the flush marker; then length, padding length, padding, tag.
    return (compressing ? n + n / 256 + 64 : n) + 4 + 1 + 255 + kMaxTagBytes;
  }

 private:
  std::unique_ptr<PacketProtection> cipher_;
  uint32_t seq_ = 0;
  KeyUsage usage_;
  bool exhausted_ = false;
  std::unique_ptr<Deflater> deflater_;
  std::vector<uint8_t> deflated_;  // reused between packets
};

}  // namespace lpsshd::transport
