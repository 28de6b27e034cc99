// The binary packet protocol of RFC 4253 6 in both directions, plain before
// the first NEWKEYS and chacha20-poly1305@openssh.com after it. Pure: it
// turns byte buffers into payloads and back, and makes no system calls.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crypto/chachapoly.h"

namespace lpsshd::transport {

// Largest packet_length accepted from a peer (OpenSSH uses the same bound).
inline constexpr uint32_t kMaxPacketLength = 256 * 1024;
// Largest payload we send: RFC 4253 6.1 requires peers to take 32768.
inline constexpr size_t kMaxPayloadOut = 32768 + 1024;

class PacketDecoder {
 public:
  enum class Result { kNeedMore, kPacket, kError };

  // Looks at in (unconsumed received bytes). kPacket: payload holds the
  // message, consumed how many bytes of in it used. kError: why says what
  // (bad length, bad padding, MAC failure); the connection must end.
  Result decode(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& payload,
                std::string& why);

  // How many bytes of `in` the next packet needs in all: 4 until its length
  // field is there, then the whole packet (capped at the largest accepted,
  // so a bad length is left for decode() to refuse). Lets a reader take
  // exactly one packet from the socket and nothing after it.
  size_t bytes_needed(std::span<const uint8_t> in) const;

  void set_key(std::span<const uint8_t> key64) {
    cipher_ = std::make_unique<crypto::ChachaPoly>(key64);
  }
  bool encrypted() const { return cipher_ != nullptr; }
  uint32_t seq() const { return seq_; }
  void set_seq(uint32_t s) { seq_ = s; }

 private:
  std::unique_ptr<crypto::ChachaPoly> cipher_;
  uint32_t seq_ = 0;
};

class PacketEncoder {
 public:
  // Appends one packet carrying payload to out.
  void encode(std::span<const uint8_t> payload, std::vector<uint8_t>& out);

  void set_key(std::span<const uint8_t> key64) {
    cipher_ = std::make_unique<crypto::ChachaPoly>(key64);
  }
  bool encrypted() const { return cipher_ != nullptr; }
  uint32_t seq() const { return seq_; }
  void set_seq(uint32_t s) { seq_ = s; }

 private:
  std::unique_ptr<crypto::ChachaPoly> cipher_;
  uint32_t seq_ = 0;
};

}  // namespace lpsshd::transport
