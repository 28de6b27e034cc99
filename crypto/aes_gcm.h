// AES-GCM as SSH uses it (RFC 5647 in OpenSSH's profile,
// aes128-gcm@openssh.com and aes256-gcm@openssh.com): a 12-byte nonce made
// of a 4-byte fixed field and an 8-byte big-endian invocation counter, both
// taken from the key exchange's IV; the counter goes up by one for every
// packet sealed or opened with the key (not the packet sequence number:
// the two differ once a connection has rekeyed without strict KEX). The
// 4-byte packet length is additional data, sent in the clear; the tag is
// 16 bytes. AES and GHASH come from nettle, which uses AES-NI and PCLMUL
// when the CPU has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace lpsshd::crypto {

class AesGcm {
 public:
  static constexpr size_t kIvBytes = 12;
  static constexpr size_t kTagBytes = 16;

  // key: 16 or 32 bytes; iv: 12. The object keeps its own (wiped) state.
  AesGcm(std::span<const uint8_t> key, std::span<const uint8_t> iv);
  ~AesGcm();
  AesGcm(const AesGcm&) = delete;
  AesGcm& operator=(const AesGcm&) = delete;

  // Encrypts data[0..len) in place with aad authenticated, writes the tag,
  // and moves to the next invocation.
  void seal(std::span<const uint8_t> aad, uint8_t* data, size_t len, uint8_t tag[kTagBytes]);
  // Checks the tag over aad and in[0..len) in constant time; only when it
  // matches decrypts into out and moves to the next invocation.
  bool open(std::span<const uint8_t> aad, const uint8_t* in, size_t len,
            const uint8_t tag[kTagBytes], uint8_t* out);

  // Invocations since the key was set (the postauth child resumes here).
  uint64_t invocations() const { return invocations_; }
  void set_invocations(uint64_t n);

 private:
  struct State;
  std::unique_ptr<State> s_;
  uint64_t invocations_ = 0;
  void start(std::span<const uint8_t> aad);
};

}  // namespace lpsshd::crypto
