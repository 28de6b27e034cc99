#include "crypto/mlkem_sampling.h"

#include <sodium.h>

#include <array>

#include "crypto/keccak_xof.h"

namespace lpsshd::crypto::mlkem {

Poly sample_ntt(std::span<const uint8_t, 34> seed) {
  Shake128 xof;
  xof.absorb(seed);
  Poly a{};
  // One SHAKE128 block (168 bytes, a multiple of 3) at a time: the same
  // byte stream as squeezing three bytes per step, with fewer calls.
  std::array<uint8_t, 168> block;
  size_t j = 0;
  while (j < kN) {
    xof.squeeze(block);
    for (size_t k = 0; k + 3 <= block.size() && j < kN; k += 3) {
      const uint16_t d1 = static_cast<uint16_t>(block[k] | ((block[k + 1] & 0x0f) << 8));
      const uint16_t d2 = static_cast<uint16_t>((block[k + 1] >> 4) | (block[k + 2] << 4));
      if (d1 < kQ) a[j++] = d1;
      if (d2 < kQ && j < kN) a[j++] = d2;
    }
  }
  return a;
}

// With η = 2 each coefficient takes four bits, low nibble first: x is the sum
// of the first two bits, y of the next two, and the coefficient is x - y.
void sample_poly_cbd_eta2(std::span<const uint8_t, kCbdInputBytes> bytes, Poly& f) {
  for (size_t i = 0; i < kN; ++i) {
    const uint32_t nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0x0f;
    const uint32_t x = (nibble & 1) + ((nibble >> 1) & 1);
    const uint32_t y = ((nibble >> 2) & 1) + ((nibble >> 3) & 1);
    f[i] = reduce_once(x + kQ - y);
  }
}

}  // namespace lpsshd::crypto::mlkem
