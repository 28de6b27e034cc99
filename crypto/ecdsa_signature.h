// ECDSA over the NIST curves for user keys (RFC 5656): the public point's
// checks and verification of (r, s) over a digest, via nettle. Monitor only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/ec_curves.h"
#include "wire/reader.h"

namespace lpsshd::crypto {

// The inner ECDSA signature of RFC 5656 3.1.2: mpint r, mpint s, nothing
// after. Both must be in [1, n-1]. The views alias `blob`.
struct EcdsaRs {
  wire::Bytes r, s;
};
bool parse_ecdsa_rs(EcCurve c, std::span<const uint8_t> blob, EcdsaRs& out);

// Verifies (r, s) over `digest` (already hashed with the curve's hash, or
// SHA-256 of the FIDO message for sk keys) for a point that passed
// ec_point_valid.
bool ecdsa_verify_digest(EcCurve c, std::span<const uint8_t> point, const EcdsaRs& rs,
                         std::span<const uint8_t> digest);

// The curve's hash (RFC 5656 6.2.1): SHA-256, SHA-384, SHA-512.
std::vector<uint8_t> ecdsa_hash(EcCurve c, std::span<const uint8_t> data);

}  // namespace lpsshd::crypto
