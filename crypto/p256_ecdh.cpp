#include "crypto/p256_ecdh.h"

#include "crypto/bignum.h"

namespace lpsshd::crypto {

namespace {
P256PointBytes public_of(const P256Scalar& d) {
  P256Point q;
  ecc_point_mul_g(q.get(), d.get());
  return q.encode();
}
}  // namespace

P256Ephemeral P256Ephemeral::generate() {
  P256Scalar d;
  d.random();
  return P256Ephemeral(d.bytes(), public_of(d));
}

std::optional<P256Ephemeral> P256Ephemeral::from_secret(std::span<const uint8_t> d) {
  P256Scalar s;
  if (!s.set(d)) return std::nullopt;
  return P256Ephemeral(s.bytes(), public_of(s));
}

std::optional<SecretBytes> p256_shared(const SecretBytes& secret,
                                       std::span<const uint8_t> peer_point) {
  P256Scalar d;
  if (!d.set(secret.span())) return std::nullopt;
  P256Point peer;
  if (!peer.decode(peer_point)) return std::nullopt;
  P256Point shared;
  ecc_point_mul(shared.get(), d.get(), peer.get());
  Mpz x, y;
  ecc_point_get(shared.get(), x.get(), y.get());
  // P-256 has prime order and d is in [1, n-1], so a valid peer point never
  // gives the point at infinity; refuse it all the same rather than derive
  // keys from a constant.
  const bool infinity = mpz_sgn(x.get()) == 0 && mpz_sgn(y.get()) == 0;
  SecretBytes out = x.to_secret(kP256CoordinateBytes);
  if (infinity || out.size() != kP256CoordinateBytes) return std::nullopt;
  return out;
}

}  // namespace lpsshd::crypto
