#include "crypto/ecdsa_signature.h"

#include <nettle/dsa.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>

#include <nettle/bignum.h>

#include "crypto/bignum.h"

namespace lpsshd::crypto {
namespace {

// 0 < v < n
bool in_scalar_range(EcCurve c, wire::Bytes v) {
  if (v.empty()) return false;  // mpint_unsigned gives zero as no bytes
  Mpz value(v), n(curve_order(c));
  return mpz_sgn(value.get()) > 0 && mpz_cmp(value.get(), n.get()) < 0;
}

}  // namespace

bool parse_ecdsa_rs(EcCurve c, std::span<const uint8_t> blob, EcdsaRs& out) {
  wire::Reader r(blob);
  const size_t max = curve_info(c).order_bytes;
  // ecdsa_signature: mpint r, mpint s
  if (!r.mpint_unsigned(out.r, max) || !r.mpint_unsigned(out.s, max) || !r.end()) return false;
  return in_scalar_range(c, out.r) && in_scalar_range(c, out.s);
}

bool ecdsa_verify_digest(EcCurve c, std::span<const uint8_t> point, const EcdsaRs& rs,
                         std::span<const uint8_t> digest) {
  if (!in_scalar_range(c, rs.r) || !in_scalar_range(c, rs.s)) return false;
  EcPoint p(c);
  if (!ec_point_set(c, point, p.get())) return false;
  dsa_signature sig;
  dsa_signature_init(&sig);
  nettle_mpz_set_str_256_u(sig.r, rs.r.size(), rs.r.data());
  nettle_mpz_set_str_256_u(sig.s, rs.s.size(), rs.s.data());
  const bool ok = ecdsa_verify(p.get(), digest.size(), digest.data(), &sig) == 1;
  dsa_signature_clear(&sig);
  return ok;
}

std::vector<uint8_t> ecdsa_hash(EcCurve c, std::span<const uint8_t> data) {
  std::vector<uint8_t> d;
  switch (c) {
    case EcCurve::kP256: {
      sha256_ctx h;
      sha256_init(&h);
      sha256_update(&h, data.size(), data.data());
      d.resize(SHA256_DIGEST_SIZE);
      sha256_digest(&h, d.size(), d.data());
      break;
    }
    case EcCurve::kP384: {
      sha384_ctx h;
      sha384_init(&h);
      sha384_update(&h, data.size(), data.data());
      d.resize(SHA384_DIGEST_SIZE);
      sha384_digest(&h, d.size(), d.data());
      break;
    }
    case EcCurve::kP521: {
      sha512_ctx h;
      sha512_init(&h);
      sha512_update(&h, data.size(), data.data());
      d.resize(SHA512_DIGEST_SIZE);
      sha512_digest(&h, d.size(), d.data());
      break;
    }
  }
  return d;
}

}  // namespace lpsshd::crypto
