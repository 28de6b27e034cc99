#include "crypto/public_key.h"

#include <sodium.h>

#include "crypto/ecdsa_signature.h"
#include "crypto/ed25519.h"
#include "crypto/rsa_signature.h"
#include "crypto/sha2.h"
#include "crypto/sk_signature.h"
#include "wire/reader.h"

namespace lpsshd::crypto {
namespace {

using transport::KeyType;
using wire::Bytes;
using wire::Reader;

constexpr size_t kMaxSkApplication = 256;

// The key type a blob's type string names (the first row with that key name).
std::optional<KeyType> key_type_named(std::string_view name) {
  for (const auto& row : transport::kSignatureAlgorithms)
    if (row.key_name == name) return row.key;
  return std::nullopt;
}

std::optional<EcCurve> curve_of(KeyType t) {
  switch (t) {
    case KeyType::kEcdsaP256:
    case KeyType::kSkEcdsaP256: return EcCurve::kP256;
    case KeyType::kEcdsaP384: return EcCurve::kP384;
    case KeyType::kEcdsaP521: return EcCurve::kP521;
    default: return std::nullopt;
  }
}

bool is_sk(KeyType t) { return t == KeyType::kSkEd25519 || t == KeyType::kSkEcdsaP256; }

// RFC 4253 6.6: mpint e, mpint n.
bool parse_rsa(Reader& r, PublicKey& k) {
  Bytes e, n;
  if (!r.mpint_unsigned(e, kRsaMaxExponentBytes) || !r.mpint_unsigned(n, kRsaMaxBits / 8)) return false;
  if (e.empty() || (e.back() & 1) == 0 || (e.size() == 1 && e[0] < 3)) return false;
  k.rsa_bits = magnitude_bits(n);
  if (k.rsa_bits < kRsaMinParseBits || k.rsa_bits > kRsaMaxBits) return false;
  if ((n.back() & 1) == 0) return false;  // a product of two odd primes is odd
  k.rsa_e.assign(e.begin(), e.end());
  k.rsa_n.assign(n.begin(), n.end());
  return true;
}

// RFC 5656 3.1: string curve identifier, string Q.
bool parse_ec(Reader& r, EcCurve c, PublicKey& k) {
  const EcCurveInfo& info = curve_info(c);
  Bytes curve, q;
  if (!r.string(curve) || wire::as_view(curve) != info.name) return false;
  if (!r.fixed_string(q, 1 + 2 * info.field_bytes) || !ec_point_valid(c, q)) return false;
  k.ec_point.assign(q.begin(), q.end());
  return true;
}

bool parse_ed25519(Reader& r, PublicKey& k) {
  Bytes pk;
  if (!r.fixed_string(pk, k.ed25519.size())) return false;
  std::copy(pk.begin(), pk.end(), k.ed25519.begin());
  return true;
}

// PROTOCOL.u2f: string application after the key fields.
bool parse_application(Reader& r, PublicKey& k) {
  return r.text(k.sk_application, kMaxSkApplication) && !k.sk_application.empty();
}

VerifyResult fail(std::string why) { return VerifyResult{false, std::move(why), 0, 0}; }

// The signature blob's first field, which must name the request's algorithm.
bool blob_names(std::span<const uint8_t> sig, std::string_view algorithm) {
  Reader r(sig);
  Bytes name;
  return r.string(name) && wire::as_view(name) == algorithm;
}

VerifyResult verify_rsa(const PublicKey& k, const transport::SignatureAlgorithm& alg,
                        std::span<const uint8_t> sig, std::span<const uint8_t> data) {
  Reader r(sig);
  Bytes name, s;
  if (!r.string(name) || !r.string(s) || !r.end()) return fail("malformed RSA signature blob");
  if (!rsa_verify_pkcs1v15(k.rsa_n, k.rsa_e, alg.hash, s, data)) return fail("RSA signature does not verify");
  return VerifyResult{true, {}, 0, 0};
}

VerifyResult verify_ecdsa(const PublicKey& k, EcCurve c, std::span<const uint8_t> sig,
                          std::span<const uint8_t> data) {
  Reader r(sig);
  Bytes name, inner;
  if (!r.string(name) || !r.string(inner) || !r.end()) return fail("malformed ECDSA signature blob");
  EcdsaRs rs;
  if (!parse_ecdsa_rs(c, inner, rs)) return fail("ECDSA r or s malformed or out of range");
  if (!ecdsa_verify_digest(c, k.ec_point, rs, ecdsa_hash(c, data)))
    return fail("ECDSA signature does not verify");
  return VerifyResult{true, {}, 0, 0};
}

VerifyResult verify_sk(const PublicKey& k, std::span<const uint8_t> sig, std::span<const uint8_t> data) {
  SkSignature s;
  if (!parse_sk_signature(sig, s)) return fail("malformed security key signature blob");
  const SkMessage m = sk_signed_message(k.sk_application, s.flags, s.counter, data);
  bool ok = false;
  if (k.type == KeyType::kSkEd25519) {
    ok = s.signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(s.signature.data(), m.data(), m.size(), k.ed25519.data()) == 0;
  } else {
    EcdsaRs rs;
    if (!parse_ecdsa_rs(EcCurve::kP256, s.signature, rs))
      return fail("ECDSA r or s malformed or out of range");
    // The authenticator's ECDSA hashes the message with SHA-256 itself.
    const auto digest = sha256(m);
    ok = ecdsa_verify_digest(EcCurve::kP256, k.ec_point, rs, digest);
  }
  if (!ok) return fail("security key signature does not verify");
  return VerifyResult{true, {}, s.flags, s.counter};
}

}  // namespace

std::optional<PublicKey> parse_public_key(std::span<const uint8_t> blob) {
  Reader r(blob);
  Bytes type_name;
  if (!r.string(type_name)) return std::nullopt;
  const auto type = key_type_named(wire::as_view(type_name));
  if (!type) return std::nullopt;
  PublicKey k;
  k.type = *type;
  bool ok = false;
  if (*type == KeyType::kRsa) {
    ok = parse_rsa(r, k);
  } else if (const auto c = curve_of(*type)) {
    ok = parse_ec(r, *c, k);
  } else {
    ok = parse_ed25519(r, k);
  }
  if (ok && is_sk(*type)) ok = parse_application(r, k);
  if (!ok || !r.end()) return std::nullopt;
  k.blob.assign(blob.begin(), blob.end());
  return k;
}

const char* key_type_log_name(KeyType type) {
  switch (type) {
    case KeyType::kEd25519: return "ED25519";
    case KeyType::kRsa: return "RSA";
    case KeyType::kEcdsaP256:
    case KeyType::kEcdsaP384:
    case KeyType::kEcdsaP521: return "ECDSA";
    case KeyType::kSkEd25519: return "ED25519-SK";
    case KeyType::kSkEcdsaP256: return "ECDSA-SK";
  }
  return "UNKNOWN";
}

VerifyResult verify_signature(const PublicKey& key, std::string_view algorithm,
                              std::span<const uint8_t> signature_blob,
                              std::span<const uint8_t> data) {
  const transport::SignatureAlgorithm* alg = nullptr;
  for (const auto& row : transport::kSignatureAlgorithms)
    if (row.name == algorithm) alg = &row;
  if (alg == nullptr) return fail("unknown signature algorithm");
  if (alg->key != key.type) return fail("key type does not fit the signature algorithm");
  if (!blob_names(signature_blob, algorithm))
    return fail("signature blob names another algorithm than the request");
  switch (key.type) {
    case KeyType::kEd25519:
      if (!ed25519_verify_blob(key.blob, signature_blob, data)) return fail("Ed25519 signature does not verify");
      return VerifyResult{true, {}, 0, 0};
    case KeyType::kRsa: return verify_rsa(key, *alg, signature_blob, data);
    case KeyType::kEcdsaP256:
    case KeyType::kEcdsaP384:
    case KeyType::kEcdsaP521: return verify_ecdsa(key, *curve_of(key.type), signature_blob, data);
    case KeyType::kSkEd25519:
    case KeyType::kSkEcdsaP256: return verify_sk(key, signature_blob, data);
  }
  return fail("unsupported key type");
}

}  // namespace lpsshd::crypto
