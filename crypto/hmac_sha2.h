// HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104, RFC 6668) as SSH's packet MAC:
// mac = HMAC(key, uint32 sequence number || bytes). The keyed state is set
// up once per key and reused for every packet. Verification compares in
// constant time. SHA-2 comes from nettle (SHA-NI when present).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace lpsshd::crypto {

class HmacSha2 {
 public:
  enum class Hash { kSha256, kSha512 };

  HmacSha2(Hash hash, std::span<const uint8_t> key);
  ~HmacSha2();
  HmacSha2(const HmacSha2&) = delete;
  HmacSha2& operator=(const HmacSha2&) = delete;

  size_t tag_bytes() const;
  // tag = HMAC(key, be32(seq) || data || more); tag has tag_bytes() room.
  // (Two parts: encrypt-and-MAC covers a length and a body kept apart.)
  void compute(uint32_t seq, std::span<const uint8_t> data, std::span<const uint8_t> more,
               uint8_t* tag);
  void compute(uint32_t seq, std::span<const uint8_t> data, uint8_t* tag) {
    compute(seq, data, {}, tag);
  }
  // Recomputes and compares with tag in constant time.
  bool verify(uint32_t seq, std::span<const uint8_t> data, std::span<const uint8_t> more,
              const uint8_t* tag);
  bool verify(uint32_t seq, std::span<const uint8_t> data, const uint8_t* tag) {
    return verify(seq, data, {}, tag);
  }

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace lpsshd::crypto
