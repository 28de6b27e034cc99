#include "crypto/p256_point.h"

#include <nettle/ecc-curve.h>
#include <sodium.h>

#include "crypto/bignum.h"

namespace lpsshd::crypto {

namespace {
// The P-256 field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4
// D.1.2.3), big-endian: coordinates must be below it.
constexpr std::array<uint8_t, kP256CoordinateBytes> kFieldPrime{
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// Both spans are 32 bytes big-endian: lexicographic order is numeric order.
bool below_field_prime(std::span<const uint8_t> c) {
  return std::lexicographical_compare(c.begin(), c.end(), kFieldPrime.begin(), kFieldPrime.end());
}
}  // namespace

const ecc_curve* p256_curve() { return nettle_get_secp_256r1(); }

bool P256Point::decode(std::span<const uint8_t> bytes) {
  constexpr uint8_t kUncompressed = 0x04;
  if (bytes.size() != kP256PointBytes || bytes[0] != kUncompressed) return false;
  const auto x = bytes.subspan(1, kP256CoordinateBytes);
  const auto y = bytes.subspan(1 + kP256CoordinateBytes, kP256CoordinateBytes);
  if (!below_field_prime(x) || !below_field_prime(y)) return false;
  Mpz mx(x), my(y);
  // ecc_point_set checks the curve equation y^2 = x^3 - 3x + b.
  return ecc_point_set(&p_, mx.get(), my.get()) == 1;
}

P256PointBytes P256Point::encode() const {
  Mpz x, y;
  ecc_point_get(&p_, x.get(), y.get());
  P256PointBytes out{};
  out[0] = 0x04;
  const auto xb = x.to_bytes(kP256CoordinateBytes);
  const auto yb = y.to_bytes(kP256CoordinateBytes);
  std::copy(xb.begin(), xb.end(), out.begin() + 1);
  std::copy(yb.begin(), yb.end(), out.begin() + 1 + kP256CoordinateBytes);
  return out;
}

P256Scalar::~P256Scalar() {
  sodium_memzero(s_.p, ecc_size(p256_curve()) * sizeof(mp_limb_t));
  ecc_scalar_clear(&s_);
}

bool P256Scalar::set(std::span<const uint8_t> bytes) {
  if (bytes.size() != kP256ScalarBytes) return false;
  Mpz z(bytes);
  return ecc_scalar_set(&s_, z.get()) == 1;  // refuses 0 and anything >= n
}

void P256Scalar::random() { ecc_scalar_random(&s_, nullptr, sodium_random); }

SecretBytes P256Scalar::bytes() const {
  Mpz z;
  ecc_scalar_get(&s_, z.get());
  return z.to_secret(kP256ScalarBytes);
}

}  // namespace lpsshd::crypto
