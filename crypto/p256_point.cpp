#include "crypto/p256_point.h"

#include <sodium.h>

#include "crypto/bignum.h"
#include "crypto/ec_curves.h"

namespace lpsshd::crypto {

const ecc_curve* p256_curve() { return nettle_curve(EcCurve::kP256); }

bool P256Point::decode(std::span<const uint8_t> bytes) {
  return ec_point_set(EcCurve::kP256, bytes, &p_);
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
