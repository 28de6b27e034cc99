#include "crypto/ecdsa_host_key.h"

#include <nettle/dsa.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>

#include <algorithm>

#include "crypto/bignum.h"
#include "transport/algorithms.h"

namespace lpsshd::crypto {

namespace {
// The table's ecdsa-sha2-nistp256 row, found at compile time.
constexpr size_t find_p256_row() {
  size_t i = 0;
  while (i < transport::kSignatureAlgorithms.size() &&
         transport::kSignatureAlgorithms[i].key != transport::KeyType::kEcdsaP256)
    ++i;
  return i;
}
constexpr size_t kP256Row = find_p256_row();
static_assert(kP256Row < transport::kSignatureAlgorithms.size(), "no ecdsa-sha2-nistp256 row");
constexpr const transport::SignatureAlgorithm& p256_row() {
  return transport::kSignatureAlgorithms[kP256Row];
}

// Left-pads a magnitude of at most 32 bytes to a 32-byte scalar.
SecretBytes scalar_bytes(std::span<const uint8_t> d) {
  SecretBytes out(kP256ScalarBytes);
  if (d.size() <= kP256ScalarBytes)
    std::copy(d.begin(), d.end(), out.data() + (kP256ScalarBytes - d.size()));
  return out;
}
}  // namespace

std::unique_ptr<EcdsaP256HostKey> EcdsaP256HostKey::from_parts(std::span<const uint8_t> q,
                                                               std::span<const uint8_t> d,
                                                               std::string& error) {
  P256Point point;
  if (!point.decode(q)) {
    error = "ECDSA public key is not a point on P-256";
    return nullptr;
  }
  P256Scalar s;
  if (d.size() > kP256ScalarBytes || !s.set(scalar_bytes(d).span())) {
    error = "ECDSA private scalar out of range";
    return nullptr;
  }
  P256Point derived;
  ecc_point_mul_g(derived.get(), s.get());
  P256PointBytes qb;
  std::copy(q.begin(), q.end(), qb.begin());
  if (derived.encode() != qb) {
    error = "ECDSA public key does not match the private key";
    return nullptr;
  }
  return std::unique_ptr<EcdsaP256HostKey>(new EcdsaP256HostKey(s.bytes(), qb));
}

std::unique_ptr<EcdsaP256HostKey> EcdsaP256HostKey::generate() {
  P256Scalar s;
  s.random();
  P256Point q;
  ecc_point_mul_g(q.get(), s.get());
  return std::unique_ptr<EcdsaP256HostKey>(new EcdsaP256HostKey(s.bytes(), q.encode()));
}

std::vector<std::string_view> EcdsaP256HostKey::algorithms() const { return {p256_row().name}; }

std::vector<uint8_t> EcdsaP256HostKey::public_blob() const {
  wire::Writer w;
  w.string(p256_row().key_name).string(kNistP256CurveName).string(std::span<const uint8_t>(q_));
  return std::move(w.bytes());
}

std::vector<uint8_t> EcdsaP256HostKey::sign(std::string_view algorithm,
                                            std::span<const uint8_t> message) const {
  const auto& row = p256_row();
  if (algorithm != row.name) return {};
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, message.size(), message.data());
  sha256_digest(&ctx, sizeof digest, digest);

  P256Scalar key;
  if (!key.set(d_.span())) return {};
  dsa_signature sig;
  dsa_signature_init(&sig);
  ecdsa_sign(key.get(), nullptr, sodium_random, sizeof digest, digest, &sig);
  Mpz r, s;
  mpz_swap(r.get(), sig.r);
  mpz_swap(s.get(), sig.s);
  dsa_signature_clear(&sig);

  wire::Writer inner;
  inner.mpint_unsigned(r.to_bytes()).mpint_unsigned(s.to_bytes());
  wire::Writer w;
  w.string(row.name).string(std::span<const uint8_t>(inner.bytes()));
  return std::move(w.bytes());
}

void EcdsaP256HostKey::write_private_fields(wire::Writer& w) const {
  w.string(kNistP256CurveName).string(std::span<const uint8_t>(q_)).mpint_unsigned(d_.span());
}

}  // namespace lpsshd::crypto
