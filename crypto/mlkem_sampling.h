// ML-KEM's two samplers (FIPS 203 §4.2.2).
//
// sample_ntt (Algorithm 7) turns a 34-byte seed ρ‖j‖i into a uniform
// polynomial in the NTT domain by rejection from SHAKE128. Its loop count and
// its branches depend on the seed: that is allowed only because ρ is public
// (it is sent in the encapsulation key). Never give it secret input.
//
// sample_poly_cbd_eta2 (Algorithm 8 with η = 2, the only η ML-KEM-768 uses)
// maps 128 PRF bytes to a small secret polynomial in constant time.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/mlkem_poly.h"

namespace lpsshd::crypto::mlkem {

inline constexpr size_t kEta = 2;
inline constexpr size_t kCbdInputBytes = 64 * kEta;

Poly sample_ntt(std::span<const uint8_t, 34> seed);

// Into f rather than returned: f is a secret, and a returned copy would be
// one more place to wipe.
void sample_poly_cbd_eta2(std::span<const uint8_t, kCbdInputBytes> bytes, Poly& f);

}  // namespace lpsshd::crypto::mlkem
