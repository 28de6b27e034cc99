// The NIST curves as SSH names and encodes them (RFC 5656): the curve
// identifier inside key blobs, coordinate and scalar sizes, and the
// uncompressed point 0x04 || X || Y, checked to lie on the curve. Shared by
// user-key verification (P-256/384/521), ECDSA host keys and
// ecdh-sha2-nistp256 (P-256). Monitor only (lpsshd_signatures).
#pragma once

#include <nettle/ecc.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace lpsshd::crypto {

enum class EcCurve { kP256, kP384, kP521 };

struct EcCurveInfo {
  EcCurve curve;
  std::string_view name;  // RFC 5656 curve identifier in the key blob
  size_t field_bytes;     // X and Y are this long; the point is 1 + 2 * this
  size_t order_bytes;     // scalars (r, s, private keys) have at most this many bytes
};
inline constexpr std::array<EcCurveInfo, 3> kEcCurves{{
    {EcCurve::kP256, "nistp256", 32, 32},
    {EcCurve::kP384, "nistp384", 48, 48},
    {EcCurve::kP521, "nistp521", 66, 66},
}};
constexpr const EcCurveInfo& curve_info(EcCurve c) { return kEcCurves[static_cast<size_t>(c)]; }

const ecc_curve* nettle_curve(EcCurve c);
// The group order n, big-endian (SEC 2 / FIPS 186-4 D.1.2).
std::span<const uint8_t> curve_order(EcCurve c);

// A point of a curve that frees itself.
class EcPoint {
 public:
  explicit EcPoint(EcCurve c) { ecc_point_init(&p_, nettle_curve(c)); }
  ~EcPoint() { ecc_point_clear(&p_); }
  EcPoint(const EcPoint&) = delete;
  EcPoint& operator=(const EcPoint&) = delete;
  ecc_point* get() { return &p_; }
  const ecc_point* get() const { return &p_; }

 private:
  ecc_point p_;
};

// Sets out (initialised for c) from the SSH encoding. False unless point is
// exactly 1 + 2 * field_bytes long, starts with 0x04 (no compressed forms),
// both coordinates are below the field prime and the point lies on the
// curve (nettle's ecc_point_set checks both). The point at infinity has no
// such encoding.
bool ec_point_set(EcCurve c, std::span<const uint8_t> point, ecc_point* out);
// The same check without keeping the point.
bool ec_point_valid(EcCurve c, std::span<const uint8_t> point);

}  // namespace lpsshd::crypto
