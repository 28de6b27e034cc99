#include "crypto/ecdsa_signature.h"

#include <nettle/dsa.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>

#include "crypto/mpz.h"

namespace lpsshd::crypto {
namespace {

// Group orders n (SEC 2 / FIPS 186-4 D.1.2), big-endian: r and s must be
// below them. nettle checks this too; the check here does not depend on it.
constexpr uint8_t kOrderP256[] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
constexpr uint8_t kOrderP384[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73};
constexpr uint8_t kOrderP521[] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09,
    0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38,
    0x64, 0x09};

constexpr EcCurveInfo kCurves[] = {
    {EcCurve::kP256, "nistp256", 32, 32},
    {EcCurve::kP384, "nistp384", 48, 48},
    {EcCurve::kP521, "nistp521", 66, 66},
};

std::span<const uint8_t> order(EcCurve c) {
  switch (c) {
    case EcCurve::kP256: return kOrderP256;
    case EcCurve::kP384: return kOrderP384;
    case EcCurve::kP521: return kOrderP521;
  }
  return {};
}

const ecc_curve* nettle_curve(EcCurve c) {
  switch (c) {
    case EcCurve::kP256: return nettle_get_secp_256r1();
    case EcCurve::kP384: return nettle_get_secp_384r1();
    case EcCurve::kP521: return nettle_get_secp_521r1();
  }
  return nullptr;
}

struct EcPoint {
  ecc_point p;
  explicit EcPoint(const ecc_curve* c) { ecc_point_init(&p, c); }
  ~EcPoint() { ecc_point_clear(&p); }
  EcPoint(const EcPoint&) = delete;
  EcPoint& operator=(const EcPoint&) = delete;
};

// ecc_point_set refuses coordinates outside [0, p) and points off the curve.
bool set_point(EcCurve c, std::span<const uint8_t> point, EcPoint& out) {
  const size_t f = curve_info(c).field_bytes;
  if (point.size() != 1 + 2 * f || point[0] != 0x04) return false;
  Mpz x(point.subspan(1, f)), y(point.subspan(1 + f, f));
  return ecc_point_set(&out.p, x.get(), y.get()) == 1;
}

// 0 < v < n
bool in_scalar_range(EcCurve c, wire::Bytes v) {
  if (v.empty()) return false;  // mpint_unsigned gives zero as no bytes
  Mpz value(v), n(order(c));
  return mpz_sgn(value.get()) > 0 && mpz_cmp(value.get(), n.get()) < 0;
}

}  // namespace

const EcCurveInfo& curve_info(EcCurve c) { return kCurves[static_cast<size_t>(c)]; }

bool ec_point_valid(EcCurve c, std::span<const uint8_t> point) {
  EcPoint p(nettle_curve(c));
  return set_point(c, point, p);
}

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
  EcPoint p(nettle_curve(c));
  if (!set_point(c, point, p)) return false;
  dsa_signature sig;
  dsa_signature_init(&sig);
  nettle_mpz_set_str_256_u(sig.r, rs.r.size(), rs.r.data());
  nettle_mpz_set_str_256_u(sig.s, rs.s.size(), rs.s.data());
  const bool ok = ecdsa_verify(&p.p, digest.size(), digest.data(), &sig) == 1;
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
