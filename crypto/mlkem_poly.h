// ML-KEM's polynomial arithmetic (FIPS 203 §4.3): Z_q[X]/(X^256 + 1) with
// q = 3329, the NTT (Algorithms 9, 10) and multiplication in the NTT domain
// (Algorithms 11, 12). Coefficients are always kept reduced, in [0, q),
// which is also the form the standard's ByteEncode_12 and test vectors use.
//
// Constant time: every function here runs the same instructions on the same
// addresses whatever the coefficients are (no division, no data-dependent
// branch or index); reduction is Barrett's, with a masked final subtraction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace lpsshd::crypto::mlkem {

inline constexpr uint16_t kQ = 3329;
inline constexpr size_t kN = 256;

using Poly = std::array<uint16_t, kN>;

// a - q if a >= q, else a; for a < 2q.
inline uint16_t reduce_once(uint32_t a) {
  const int32_t d = static_cast<int32_t>(a) - kQ;
  return static_cast<uint16_t>(d + ((d >> 31) & kQ));
}

// a mod q for any 32-bit a (Barrett: floor(2^32 / q) = 1290167 leaves the
// quotient estimate at most one short, so one masked subtraction finishes).
inline uint16_t reduce(uint32_t a) {
  const uint32_t quotient = static_cast<uint32_t>((static_cast<uint64_t>(a) * 1290167u) >> 32);
  return reduce_once(a - quotient * kQ);
}

inline uint16_t add_mod(uint16_t a, uint16_t b) { return reduce_once(uint32_t{a} + b); }
inline uint16_t sub_mod(uint16_t a, uint16_t b) { return reduce_once(uint32_t{a} + kQ - b); }
inline uint16_t mul_mod(uint16_t a, uint16_t b) { return reduce(uint32_t{a} * b); }

// Algorithm 9, in place: f becomes f̂.
void ntt(Poly& f);
// Algorithm 10, in place: f̂ becomes f.
void inverse_ntt(Poly& f);
// Algorithm 11: the product of two polynomials in the NTT domain, added to
// h (h += f ∘ g): sums of products, the only way ML-KEM uses them, need no
// temporary polynomial left unwiped on the stack.
void multiply_ntts_add(Poly& h, const Poly& f, const Poly& g);
// The product alone (tests).
Poly multiply_ntts(const Poly& f, const Poly& g);

void poly_add(Poly& f, const Poly& g);  // f += g
void poly_sub(Poly& f, const Poly& g);  // f -= g

}  // namespace lpsshd::crypto::mlkem
