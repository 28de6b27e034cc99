// ECDSA over the NIST curves for user keys (RFC 5656): the public point's
// checks and verification of (r, s) over a digest, via nettle. Monitor only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wire/reader.h"

namespace lpsshd::crypto {

enum class EcCurve { kP256, kP384, kP521 };

struct EcCurveInfo {
  EcCurve curve;
  std::string_view name;  // RFC 5656 curve identifier in the key blob
  size_t field_bytes;     // X and Y are this long; the point is 1 + 2 * this
  size_t order_bytes;     // r and s have at most this many magnitude bytes
};
const EcCurveInfo& curve_info(EcCurve c);

// True when point is 0x04 || X || Y with X, Y below the field prime and the
// point on the curve. (Compressed points and the point at infinity are
// refused: OpenSSH sends neither.)
bool ec_point_valid(EcCurve c, std::span<const uint8_t> point);

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
