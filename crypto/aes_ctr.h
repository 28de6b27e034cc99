// AES in counter mode (RFC 4344: aes128-ctr, aes192-ctr, aes256-ctr): the
// KEX's 16-byte IV is the initial counter block, a big-endian 128-bit
// integer incremented once per 16-byte block, across packet boundaries, for
// the key's life. position() is the number of blocks used so far, so the
// postauth child can resume the stream exactly where the preauth child
// left it. Data is always a whole number of blocks (SSH pads packets to the
// block size). nettle provides AES (AES-NI when present) and the CTR loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace lpsshd::crypto {

class AesCtr {
 public:
  static constexpr size_t kBlockBytes = 16;

  // key: 16, 24 or 32 bytes; iv: 16.
  AesCtr(std::span<const uint8_t> key, std::span<const uint8_t> iv);
  ~AesCtr();
  AesCtr(const AesCtr&) = delete;
  AesCtr& operator=(const AesCtr&) = delete;

  // XORs the keystream into len bytes (a multiple of kBlockBytes) from in
  // to out (may be the same buffer).
  void crypt(const uint8_t* in, uint8_t* out, size_t len);

  uint64_t position() const { return blocks_; }
  void set_position(uint64_t blocks);

 private:
  struct State;
  std::unique_ptr<State> s_;
  uint64_t blocks_ = 0;
};

}  // namespace lpsshd::crypto
