// sntrup761's byte encodings (NTRU Prime round-3 specification, "Encode"
// and "Decode"): public keys (Rq, 1158 bytes), ciphertexts (Rounded, 1007
// bytes) and small polynomials (2 bits per coefficient, 191 bytes).
//
// Decoding never fails: any input bytes decode to coefficients in range
// (each is reduced mod its radix), which is what makes any 1158 bytes a
// public key. Encoding of an in-range polynomial decodes back to itself.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/sntrup761_params.h"

namespace lpsshd::crypto::sntrup761 {

// Coefficients in -kHalfQ..kHalfQ, as radix-q digits.
void encode_rq(std::span<uint8_t, kRqBytes> out, const Rq& a);
void decode_rq(Rq& out, std::span<const uint8_t, kRqBytes> in);

// Coefficients that are multiples of 3 in -kHalfQ..kHalfQ (what round3
// produces), as radix-(q+2)/3 digits.
void encode_rounded(std::span<uint8_t, kRoundedBytes> out, const Rq& a);
void decode_rounded(Rq& out, std::span<const uint8_t, kRoundedBytes> in);

// Coefficients -1..1, c+1 in two bits, four per byte, low bits first; the
// last byte holds the one coefficient left over. A secret key's own
// encoding: the pair 11 (not produced) decodes to 2.
void encode_small(std::span<uint8_t, kSmallBytes> out, const Small& a);
void decode_small(Small& out, std::span<const uint8_t, kSmallBytes> in);

// x divided by m (1 <= m < 2^14) without a divide instruction. Exposed for
// the unit test.
struct QuotientRemainder {
  uint32_t quotient;
  uint32_t remainder;
};
QuotientRemainder divmod_u14(uint32_t x, uint32_t m);

}  // namespace lpsshd::crypto::sntrup761
