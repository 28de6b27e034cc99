#include "crypto/rsa_host_key.h"

#include <nettle/sha2.h>

#include "crypto/bignum.h"
#include "transport/algorithms.h"

namespace lpsshd::crypto {

namespace {
using transport::KeyType;
using transport::SignatureAlgorithm;
using transport::SignatureHash;

// The rows this key signs with: RSA rows allowed for host keys, in table
// (preference) order.
std::vector<const SignatureAlgorithm*> rsa_host_rows() {
  std::vector<const SignatureAlgorithm*> rows;
  for (const auto& a : transport::kSignatureAlgorithms)
    if (a.key == KeyType::kRsa && a.host_key) rows.push_back(&a);
  return rows;
}

const SignatureAlgorithm* rsa_host_row(std::string_view name) {
  for (const auto* a : rsa_host_rows())
    if (a->name == name) return a;
  return nullptr;
}

std::string_view rsa_key_name() { return rsa_host_rows().front()->key_name; }

// PKCS#1 v1.5 signature s over SHA-256 or SHA-512 of message, blinded.
bool pkcs1_sign(const rsa_public_key& pub, const rsa_private_key& priv, SignatureHash hash,
                std::span<const uint8_t> message, mpz_ptr s) {
  if (hash == SignatureHash::kSha512) {
    sha512_ctx ctx;
    sha512_init(&ctx);
    sha512_update(&ctx, message.size(), message.data());
    return rsa_sha512_sign_tr(&pub, &priv, nullptr, sodium_random, &ctx, s) == 1;
  }
  if (hash == SignatureHash::kSha256) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, message.size(), message.data());
    return rsa_sha256_sign_tr(&pub, &priv, nullptr, sodium_random, &ctx, s) == 1;
  }
  return false;
}

bool pkcs1_verify(const rsa_public_key& pub, std::span<const uint8_t> message, mpz_srcptr s) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, message.size(), message.data());
  return rsa_sha256_verify(&pub, &ctx, s) == 1;
}
}  // namespace

RsaHostKey::RsaHostKey() {
  rsa_public_key_init(&pub_);
  rsa_private_key_init(&priv_);
}

RsaHostKey::~RsaHostKey() {
  for (mpz_ptr v : {priv_.d, priv_.p, priv_.q, priv_.a, priv_.b, priv_.c}) wipe_mpz(v);
  rsa_private_key_clear(&priv_);
  rsa_public_key_clear(&pub_);
}

bool RsaHostKey::prepare() {
  if (rsa_public_key_prepare(&pub_) != 1 || rsa_private_key_prepare(&priv_) != 1 ||
      pub_.size != priv_.size)
    return false;
  Mpz d;
  mpz_set(d.get(), priv_.d);
  secret_ = d.to_secret();
  return true;
}

std::unique_ptr<RsaHostKey> RsaHostKey::from_parts(
    std::span<const uint8_t> n_be, std::span<const uint8_t> e_be, std::span<const uint8_t> d_be,
    std::span<const uint8_t> iqmp_be, std::span<const uint8_t> p_be,
    std::span<const uint8_t> q_be, std::string& error) {
  std::unique_ptr<RsaHostKey> k(new RsaHostKey());
  Mpz n(n_be), e(e_be), d(d_be), iqmp(iqmp_be), p(p_be), q(q_be), t;
  const size_t bits = n.bits();
  if (bits < kMinRsaHostKeyBits) {
    error = "RSA key of " + std::to_string(bits) + " bits is too small (at least " +
            std::to_string(kMinRsaHostKeyBits) + " needed)";
    return nullptr;
  }
  if (bits > kMaxRsaKeyBits) {
    error = "RSA key of " + std::to_string(bits) + " bits is too large";
    return nullptr;
  }
  // e odd, 3 <= e < n.
  if (mpz_odd_p(e.get()) == 0 || mpz_cmp_ui(e.get(), 3) < 0 || mpz_cmp(e.get(), n.get()) >= 0) {
    error = "RSA public exponent out of range";
    return nullptr;
  }
  // p, q > 1 before anything is reduced modulo p-1 or q-1.
  if (mpz_cmp_ui(p.get(), 1) <= 0 || mpz_cmp_ui(q.get(), 1) <= 0) {
    error = "RSA primes out of range";
    return nullptr;
  }
  mpz_mul(t.get(), p.get(), q.get());
  if (mpz_cmp(t.get(), n.get()) != 0) {
    error = "RSA key is inconsistent (p*q != n)";
    return nullptr;
  }
  // nettle's CRT code assumes c < p (its limb-size assertions).
  mpz_mul(t.get(), iqmp.get(), q.get());
  mpz_mod(t.get(), t.get(), p.get());
  if (mpz_cmp(iqmp.get(), p.get()) >= 0 || mpz_cmp_ui(t.get(), 1) != 0) {
    error = "RSA key is inconsistent (iqmp is not q^-1 mod p)";
    return nullptr;
  }
  Mpz ed, pm1, qm1;
  mpz_mul(ed.get(), e.get(), d.get());
  mpz_sub_ui(pm1.get(), p.get(), 1);
  mpz_sub_ui(qm1.get(), q.get(), 1);
  mpz_mod(t.get(), ed.get(), pm1.get());
  const bool d_p_ok = mpz_cmp_ui(t.get(), 1) == 0;  // false for p == 2 (mod 1 is 0)
  mpz_mod(t.get(), ed.get(), qm1.get());
  const bool d_q_ok = mpz_cmp_ui(t.get(), 1) == 0;
  if (!d_p_ok || !d_q_ok) {
    error = "RSA key is inconsistent (d is not e^-1)";
    return nullptr;
  }
  mpz_set(k->pub_.n, n.get());
  mpz_set(k->pub_.e, e.get());
  mpz_set(k->priv_.d, d.get());
  mpz_set(k->priv_.p, p.get());
  mpz_set(k->priv_.q, q.get());
  mpz_mod(k->priv_.a, d.get(), pm1.get());
  mpz_mod(k->priv_.b, d.get(), qm1.get());
  mpz_set(k->priv_.c, iqmp.get());
  if (!k->prepare()) {
    error = "RSA key rejected by nettle";
    return nullptr;
  }
  // The last word: a signature made with the private half verifies with the
  // public half.
  static constexpr uint8_t kProbe[] = "lpsshd RSA host key self-test";
  Mpz s;
  if (!pkcs1_sign(k->pub_, k->priv_, SignatureHash::kSha256, kProbe, s.get()) ||
      !pkcs1_verify(k->pub_, kProbe, s.get())) {
    error = "RSA key is inconsistent (test signature does not verify)";
    return nullptr;
  }
  return k;
}

std::unique_ptr<RsaHostKey> RsaHostKey::generate(unsigned bits) {
  std::unique_ptr<RsaHostKey> k(new RsaHostKey());
  mpz_set_ui(k->pub_.e, 65537);
  if (rsa_generate_keypair(&k->pub_, &k->priv_, nullptr, sodium_random, nullptr, nullptr, bits,
                           0) != 1 ||
      !k->prepare())
    return nullptr;
  return k;
}

std::vector<std::string_view> RsaHostKey::algorithms() const {
  std::vector<std::string_view> names;
  for (const auto* a : rsa_host_rows()) names.push_back(a->name);
  return names;
}

std::vector<uint8_t> RsaHostKey::public_blob() const {
  Mpz e, n;
  mpz_set(e.get(), pub_.e);
  mpz_set(n.get(), pub_.n);
  wire::Writer w;
  w.string(rsa_key_name()).mpint_unsigned(e.to_bytes()).mpint_unsigned(n.to_bytes());
  return std::move(w.bytes());
}

std::vector<uint8_t> RsaHostKey::sign(std::string_view algorithm,
                                      std::span<const uint8_t> message) const {
  const SignatureAlgorithm* row = rsa_host_row(algorithm);
  if (row == nullptr) return {};
  Mpz s;
  if (!pkcs1_sign(pub_, priv_, row->hash, message, s.get())) return {};
  // RFC 8332 3: the signature is exactly as long as the modulus in bytes.
  const auto sig = s.to_bytes(pub_.size);
  if (sig.size() != pub_.size) return {};
  wire::Writer w;
  w.string(row->name).string(std::span<const uint8_t>(sig));
  return std::move(w.bytes());
}

size_t RsaHostKey::bits() const { return mpz_sizeinbase(pub_.n, 2); }

void RsaHostKey::write_private_fields(wire::Writer& w) const {
  Mpz v;
  for (mpz_srcptr f : {pub_.n, pub_.e, priv_.d, priv_.c, priv_.p, priv_.q}) {
    mpz_set(v.get(), f);
    const SecretBytes b = v.to_secret();
    w.mpint_unsigned(b.span());
  }
}

}  // namespace lpsshd::crypto
