// Constant-time arithmetic in Z/3 and Z/q (q = 4591) for sntrup761, and the
// masks its selections are made of. Every function here is branch-free on
// its arguments: the reductions multiply by a fixed reciprocal instead of
// dividing (a hardware divide may take data-dependent time), and selections
// are masks. value_barrier (crypto/constant_time.h) hides a mask's origin
// from the optimizer, so it cannot turn "x ^ (mask & (x ^ y))" back into a
// branch.
#pragma once

#include <cstdint>

#include "crypto/constant_time.h"
#include "crypto/sntrup761_params.h"

namespace lpsshd::crypto::sntrup761 {

// -1 if x < 0, else 0 (C++20 defines >> of a negative value as arithmetic).
inline int32_t negative_mask(int32_t x) { return value_barrier(x >> 31); }

// -1 if x != 0, else 0.
inline int32_t nonzero_mask(int32_t x) {
  const uint32_t u = static_cast<uint32_t>(x);
  return -static_cast<int32_t>(value_barrier(static_cast<int32_t>((u | (0u - u)) >> 31)));
}

// x mod q, centred in -kHalfQ..kHalfQ, for |x| < 2^24 (the largest value the
// arithmetic produces is 2*kHalfQ^2 < 2^24), in 32-bit arithmetic so loops
// over coefficients vectorize. A first estimate of x/q, (x >> 8) *
// 3654/2^16 (2^24/q = 3654.3), is off by less than 1.4, leaving |x1| <
// 1.4q < 2^13; then round(x1/q) is x1 * 14617/2^26 rounded (2^26/q =
// 14617.3): that product is off by less than 2^13 * 0.31/2^26 < 2^-14,
// and x1/q is never within 1/(2q) > 2^-14 of a half-integer (q is odd), so
// the second quotient is exact. Checked exhaustively over the range in the
// unit test.
inline int16_t freeze_q(int32_t x) {
  const int32_t x1 = x - ((x >> 8) * 3654 >> 16) * kQ;
  return static_cast<int16_t>(x1 - ((x1 * 14617 + (1 << 25)) >> 26) * kQ);
}

// x mod 3, centred in -1..1, for |x| < 2^14: round(x/3) is x * 21845/2^16
// rounded (2^16/3 = 21845.33), off by less than 2^14 * 0.34/2^16 < 1/12,
// while x/3 is never within 1/6 of a half-integer.
inline int8_t freeze_3(int32_t x) {
  return static_cast<int8_t>(x - ((x * 21845 + (1 << 15)) >> 16) * 3);
}

// 1/a in Z/q for a != 0 (0 gives 0): a^(q-2), a fixed chain of products.
inline int16_t reciprocal_q(int16_t a) {
  int32_t result = 1;
  int32_t power = a;
  for (uint32_t e = kQ - 2; e != 0; e >>= 1) {  // the exponent is public
    const int32_t times = freeze_q(result * power);
    const int32_t take = -static_cast<int32_t>(e & 1);
    result ^= take & (result ^ times);
    power = freeze_q(power * power);
  }
  return static_cast<int16_t>(result);
}

}  // namespace lpsshd::crypto::sntrup761
