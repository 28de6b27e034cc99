#include "crypto/keccak_xof.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace lpsshd::crypto {

namespace {

// nettle keeps the state as 25 little-endian 64-bit lanes: byte i of the
// sponge is byte i % 8 of lane i / 8.
void xor_byte(sha3_state& s, size_t i, uint8_t b) {
  s.a[i / 8] ^= static_cast<uint64_t>(b) << (8 * (i % 8));
}

uint8_t read_byte(const sha3_state& s, size_t i) {
  return static_cast<uint8_t>(s.a[i / 8] >> (8 * (i % 8)));
}

}  // namespace

template <size_t kRate>
KeccakXof<kRate>::KeccakXof() {
  std::memset(&state_, 0, sizeof state_);
}

template <size_t kRate>
KeccakXof<kRate>::~KeccakXof() {
  sodium_memzero(&state_, sizeof state_);
}

template <size_t kRate>
void KeccakXof<kRate>::absorb(std::span<const uint8_t> data) {
  if (squeezing_) std::abort();
  for (const uint8_t b : data) {
    xor_byte(state_, position_, b);
    if (++position_ == kRate) {
      sha3_permute(&state_);
      position_ = 0;
    }
  }
}

// SHAKE's domain separation and pad10*1: the suffix bits 1111 and the first
// padding 1 make 0x1f at the end of the message, the last padding 1 is the
// top bit of the block's last byte (both in one byte when they meet).
template <size_t kRate>
void KeccakXof<kRate>::finish_absorbing() {
  xor_byte(state_, position_, 0x1f);
  xor_byte(state_, kRate - 1, 0x80);
  sha3_permute(&state_);
  position_ = 0;
  squeezing_ = true;
}

template <size_t kRate>
void KeccakXof<kRate>::squeeze(std::span<uint8_t> out) {
  if (!squeezing_) finish_absorbing();
  for (uint8_t& b : out) {
    if (position_ == kRate) {
      sha3_permute(&state_);
      position_ = 0;
    }
    b = read_byte(state_, position_++);
  }
}

template class KeccakXof<168>;
template class KeccakXof<136>;

}  // namespace lpsshd::crypto
