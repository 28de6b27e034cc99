#include "monitor/kex_methods.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/mlkem768.h"
#include "crypto/p256_ecdh.h"
#include "crypto/sntrup761.h"
#include "crypto/x25519.h"
#include "transport/kex_hash.h"

namespace lpsshd::monitor {

namespace {
using transport::KexAlgorithm;

// curve25519-sha256 (RFC 8731): K = mpint(X25519(s, Q_C)).
std::optional<KexAgreement> curve25519(std::span<const uint8_t> q_c, std::string& why) {
  auto eph = crypto::x25519_generate();
  auto shared = crypto::x25519_shared(eph.secret, q_c);
  if (!shared) {
    why = "shared secret is zero";
    return std::nullopt;
  }
  return KexAgreement{transport::shared_secret_mpint(*shared),
                      {eph.public_key.begin(), eph.public_key.end()}};
}

// ecdh-sha2-nistp256 (RFC 5656 4): K is the X coordinate, as an mpint;
// p256_shared() refuses any Q_C that is not an uncompressed point on the
// curve.
std::optional<KexAgreement> nistp256(std::span<const uint8_t> q_c, std::string& why) {
  auto eph = crypto::P256Ephemeral::generate();
  auto shared = crypto::p256_shared(eph.secret(), q_c);
  if (!shared) {
    why = "client public value is not a point on P-256";
    return std::nullopt;
  }
  const auto& q_s = eph.public_point();
  return KexAgreement{transport::shared_secret_mpint(*shared), {q_s.begin(), q_s.end()}};
}

// The KEM half of a hybrid: encapsulates to the client's key; the
// ciphertext goes first in Q_S. False (with `why`) when the key is refused.
using Encapsulate = bool (*)(std::span<const uint8_t> client_key, std::span<uint8_t> ct,
                             crypto::SecretBytes& shared, std::string& why);

bool mlkem768_encapsulate(std::span<const uint8_t> ek, std::span<uint8_t> ct,
                          crypto::SecretBytes& shared, std::string& why) {
  namespace m = crypto::mlkem768;
  crypto::SecretBytes coins(m::kSeedBytes);
  randombytes_buf(coins.data(), coins.size());
  shared = crypto::SecretBytes(m::kSharedSecretBytes);
  // encapsulate() does FIPS 203 7.2's input check: a key with a coefficient
  // >= q is refused, not reduced (the size is the row's, checked before).
  if (m::encapsulate(ek.first<m::kEncapsulationKeyBytes>(),
                     std::span<const uint8_t, m::kSeedBytes>(coins.data(), m::kSeedBytes),
                     ct.first<m::kCiphertextBytes>(),
                     std::span<uint8_t, m::kSharedSecretBytes>(shared.data(), shared.size())))
    return true;
  why = "client ML-KEM-768 encapsulation key fails the modulus check";
  return false;
}

bool sntrup761_encapsulate(std::span<const uint8_t> pk, std::span<uint8_t> ct,
                           crypto::SecretBytes& shared, std::string&) {
  namespace s = crypto::sntrup761;
  // Every 1158-byte string decodes to a key (values are rounded into range).
  shared = crypto::SecretBytes(s::kSharedSecretBytes);
  s::encapsulate(pk.first<s::kPublicKeyBytes>(), ct.first<s::kCiphertextBytes>(),
                 std::span<uint8_t, s::kSharedSecretBytes>(shared.data(), shared.size()));
  return true;
}

// mlkem768x25519-sha256 and sntrup761x25519-sha512: Q_C = KEM key || X25519
// value, Q_S = KEM ciphertext || X25519 value, K = string(HASH(KEM secret ||
// X25519 secret)).
std::optional<KexAgreement> hybrid(const KexAlgorithm& row, Encapsulate encapsulate,
                                   std::span<const uint8_t> q_c, std::string& why) {
  constexpr size_t kX25519 = crypto_scalarmult_curve25519_BYTES;
  const auto client_key = q_c.first(row.client_public_bytes - kX25519);
  const auto client_x25519 = q_c.last(kX25519);
  KexAgreement out;
  out.server_public.resize(row.server_public_bytes);
  const auto ct = std::span(out.server_public).first(row.server_public_bytes - kX25519);
  crypto::SecretBytes kem_secret;
  if (!encapsulate(client_key, ct, kem_secret, why)) return std::nullopt;
  auto eph = crypto::x25519_generate();
  auto x25519_secret = crypto::x25519_shared(eph.secret, client_x25519);
  if (!x25519_secret) {
    why = "X25519 shared secret is zero";
    return std::nullopt;
  }
  std::copy(eph.public_key.begin(), eph.public_key.end(), out.server_public.end() - kX25519);
  out.k_encoded = transport::hybrid_shared_secret(row.hash, kem_secret.span(), x25519_secret->span());
  return out;
}
}  // namespace

bool kex_method_implemented(transport::KexMethod method) {
  switch (method) {
    case transport::KexMethod::kCurve25519Sha256:
    case transport::KexMethod::kNistP256Sha256:
    case transport::KexMethod::kMlKem768X25519:
    case transport::KexMethod::kSntrup761X25519:
      return true;
  }
  return false;
}

std::optional<KexAgreement> kex_agree(const KexAlgorithm& row, std::span<const uint8_t> q_c,
                                      std::string& why) {
  if (q_c.size() != row.client_public_bytes) {
    why = "client public value is not " + std::to_string(row.client_public_bytes) + " bytes";
    return std::nullopt;
  }
  std::optional<KexAgreement> out;
  switch (row.method) {
    case transport::KexMethod::kCurve25519Sha256: out = curve25519(q_c, why); break;
    case transport::KexMethod::kNistP256Sha256: out = nistp256(q_c, why); break;
    case transport::KexMethod::kMlKem768X25519: out = hybrid(row, mlkem768_encapsulate, q_c, why); break;
    case transport::KexMethod::kSntrup761X25519: out = hybrid(row, sntrup761_encapsulate, q_c, why); break;
  }
  // Q_S is exactly the row's size (the protocol's bound is the table's).
  if (out && out->server_public.size() != row.server_public_bytes) {
    why = "server public value has the wrong size";
    return std::nullopt;
  }
  return out;
}

}  // namespace lpsshd::monitor
