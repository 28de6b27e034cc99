// ML-KEM's byte formats and rounding (FIPS 203 §4.2.1): ByteEncode_d and
// ByteDecode_d (Algorithms 5, 6) pack 256 d-bit values, least significant
// bit first; Compress_d and Decompress_d (equations 4.7, 4.8) map between
// Z_q and d-bit values. ML-KEM-768 uses d = 1 (messages), 4 (dv), 10 (du)
// and 12 (keys).
//
// Constant time: no branch or index depends on a coefficient, and
// compress() divides by q with a multiplication and a shift, never a
// division instruction (whose time varies with its operands).
#pragma once

#include <cstdint>
#include <span>

#include "crypto/mlkem_poly.h"

namespace lpsshd::crypto::mlkem {

inline constexpr size_t encoded_bytes(unsigned d) { return 32 * d; }

// out.size() must be 32·d; each coefficient must be < 2^d (< q for d = 12).
void byte_encode(unsigned d, const Poly& f, std::span<uint8_t> out);

// in.size() must be 32·d. For d = 12 the values are reduced mod q, as the
// standard defines it (so a key with a value >= q does not re-encode to
// itself: the modulus check).
Poly byte_decode(unsigned d, std::span<const uint8_t> in);

// round(2^d / q · x) mod 2^d, for x < q and 1 <= d <= 11.
uint16_t compress(unsigned d, uint16_t x);
// round(q / 2^d · y), for y < 2^d.
uint16_t decompress(unsigned d, uint16_t y);

void compress_poly(unsigned d, Poly& f);
void decompress_poly(unsigned d, Poly& f);

}  // namespace lpsshd::crypto::mlkem
