#include "crypto/mlkem_encoding.h"

#include <cstdlib>

namespace lpsshd::crypto::mlkem {

namespace {

// floor(n / q) = (n · kQuotientMultiplier) >> kQuotientShift for every
// n < 2^23, which covers 2^11 · (q - 1) + q/2 (mlkem_encoding_test checks
// every x and d exhaustively against a real division).
constexpr unsigned kQuotientShift = 35;
constexpr uint64_t kQuotientMultiplier = ((uint64_t{1} << kQuotientShift) + kQ - 1) / kQ;

void check_size(unsigned d, size_t size) {
  // A wrong size is a bug in this file's callers, not input: sizes are fixed
  // by the parameter set before any byte is read.
  if (d == 0 || d > 12 || size != encoded_bytes(d)) std::abort();
}

}  // namespace

void byte_encode(unsigned d, const Poly& f, std::span<uint8_t> out) {
  check_size(d, out.size());
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (const uint16_t c : f) {
    acc |= uint32_t{c} << bits;
    bits += d;
    while (bits >= 8) {
      out[o++] = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}

Poly byte_decode(unsigned d, std::span<const uint8_t> in) {
  check_size(d, in.size());
  const uint32_t mask = (uint32_t{1} << d) - 1;
  Poly f;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t i = 0;
  for (uint16_t& c : f) {
    while (bits < d) {
      acc |= uint32_t{in[i++]} << bits;
      bits += 8;
    }
    c = static_cast<uint16_t>(acc & mask);
    acc >>= d;
    bits -= d;
    // 2^12 - 1 < 2q: one masked subtraction reduces mod q.
    if (d == 12) c = reduce_once(c);
  }
  return f;
}

// round(2^d·x / q) = floor((2^d·x + (q-1)/2) / q): q is odd, so 2^d·x / q
// is never exactly halfway.
uint16_t compress(unsigned d, uint16_t x) {
  const uint64_t n = (uint64_t{x} << d) + (kQ - 1) / 2;
  const uint64_t quotient = (n * kQuotientMultiplier) >> kQuotientShift;
  return static_cast<uint16_t>(quotient & ((uint64_t{1} << d) - 1));
}

uint16_t decompress(unsigned d, uint16_t y) {
  return static_cast<uint16_t>((uint32_t{y} * kQ + (uint32_t{1} << (d - 1))) >> d);
}

void compress_poly(unsigned d, Poly& f) {
  for (uint16_t& c : f) c = compress(d, c);
}

void decompress_poly(unsigned d, Poly& f) {
  for (uint16_t& c : f) c = decompress(d, c);
}

}  // namespace lpsshd::crypto::mlkem
