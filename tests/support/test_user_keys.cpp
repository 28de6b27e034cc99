#include "tests/support/test_user_keys.h"

#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/rsa.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/sha2.h"
#include "wire/writer.h"

namespace lpsshd::testkeys {

using transport::KeyType;

namespace {

void random_bytes(void*, size_t n, uint8_t* dst) { randombytes_buf(dst, n); }

std::vector<uint8_t> mpz_bytes(mpz_srcptr v, size_t len = 0) {
  const size_t n = len != 0 ? len : nettle_mpz_sizeinbase_256_u(v);
  std::vector<uint8_t> out(n);
  nettle_mpz_get_str_256(n, out.data(), v);
  return out;
}

const ecc_curve* curve_of(KeyType t) {
  switch (t) {
    case KeyType::kEcdsaP384: return nettle_get_secp_384r1();
    case KeyType::kEcdsaP521: return nettle_get_secp_521r1();
    default: return nettle_get_secp_256r1();
  }
}
std::string_view curve_name(KeyType t) {
  switch (t) {
    case KeyType::kEcdsaP384: return "nistp384";
    case KeyType::kEcdsaP521: return "nistp521";
    default: return "nistp256";
  }
}
size_t field_bytes(KeyType t) {
  switch (t) {
    case KeyType::kEcdsaP384: return 48;
    case KeyType::kEcdsaP521: return 66;
    default: return 32;
  }
}

std::string_view key_name(KeyType t) {
  for (const auto& row : transport::kSignatureAlgorithms)
    if (row.key == t) return row.key_name;
  throw std::logic_error("no row");
}

std::vector<uint8_t> digest(transport::SignatureHash h, std::span<const uint8_t> data) {
  std::vector<uint8_t> d;
  switch (h) {
    case transport::SignatureHash::kSha1: {
      sha1_ctx c; sha1_init(&c); sha1_update(&c, data.size(), data.data());
      d.resize(SHA1_DIGEST_SIZE); sha1_digest(&c, d.size(), d.data()); break;
    }
    case transport::SignatureHash::kSha256: {
      sha256_ctx c; sha256_init(&c); sha256_update(&c, data.size(), data.data());
      d.resize(SHA256_DIGEST_SIZE); sha256_digest(&c, d.size(), d.data()); break;
    }
    case transport::SignatureHash::kSha384: {
      sha384_ctx c; sha384_init(&c); sha384_update(&c, data.size(), data.data());
      d.resize(SHA384_DIGEST_SIZE); sha384_digest(&c, d.size(), d.data()); break;
    }
    case transport::SignatureHash::kSha512: {
      sha512_ctx c; sha512_init(&c); sha512_update(&c, data.size(), data.data());
      d.resize(SHA512_DIGEST_SIZE); sha512_digest(&c, d.size(), d.data()); break;
    }
    case transport::SignatureHash::kNone: break;
  }
  return d;
}

}  // namespace

struct TestUserKey::State {
  KeyType type;
  std::vector<uint8_t> blob;
  std::string application;
  rsa_public_key rsa_pub;
  rsa_private_key rsa_priv;
  ecc_scalar ec_key;
  ecc_point ec_pub;
  uint8_t ed_secret[crypto_sign_SECRETKEYBYTES];
  bool has_rsa = false, has_ec = false;

  ~State() {
    if (has_rsa) {
      rsa_public_key_clear(&rsa_pub);
      rsa_private_key_clear(&rsa_priv);
    }
    if (has_ec) {
      ecc_scalar_clear(&ec_key);
      ecc_point_clear(&ec_pub);
    }
  }

  // (r, s) as the RFC 5656 inner signature, over a digest.
  std::vector<uint8_t> ecdsa_rs(std::span<const uint8_t> d) const {
    dsa_signature sig;
    dsa_signature_init(&sig);
    ecdsa_sign(&ec_key, nullptr, random_bytes, d.size(), d.data(), &sig);
    wire::Writer w;
    w.mpint_unsigned(mpz_bytes(sig.r)).mpint_unsigned(mpz_bytes(sig.s));
    dsa_signature_clear(&sig);
    return w.take();
  }
};

TestUserKey::TestUserKey(std::unique_ptr<State> s) : s_(std::move(s)) {}
TestUserKey::~TestUserKey() = default;
TestUserKey::TestUserKey(TestUserKey&&) noexcept = default;
TestUserKey& TestUserKey::operator=(TestUserKey&&) noexcept = default;

TestUserKey TestUserKey::rsa(unsigned bits) {
  auto s = std::make_unique<State>();
  s->type = KeyType::kRsa;
  rsa_public_key_init(&s->rsa_pub);
  rsa_private_key_init(&s->rsa_priv);
  s->has_rsa = true;
  mpz_set_ui(s->rsa_pub.e, 65537);
  if (!rsa_generate_keypair(&s->rsa_pub, &s->rsa_priv, nullptr, random_bytes, nullptr, nullptr,
                            bits, 0))
    throw std::runtime_error("rsa_generate_keypair");
  wire::Writer w;
  w.string("ssh-rsa").mpint_unsigned(mpz_bytes(s->rsa_pub.e)).mpint_unsigned(mpz_bytes(s->rsa_pub.n));
  s->blob = w.take();
  return TestUserKey(std::move(s));
}

static std::unique_ptr<TestUserKey::State> ec_state(KeyType curve_type, KeyType blob_type,
                                                     const uint8_t* seed32 = nullptr) {
  auto s = std::make_unique<TestUserKey::State>();
  s->type = blob_type;
  ecc_scalar_init(&s->ec_key, curve_of(curve_type));
  ecc_point_init(&s->ec_pub, curve_of(curve_type));
  s->has_ec = true;
  if (seed32 == nullptr) {
    ecdsa_generate_keypair(&s->ec_pub, &s->ec_key, nullptr, random_bytes);
  } else {
    // P-256 only: a seed below 2^255 is below the group order.
    uint8_t b[32];
    std::copy(seed32, seed32 + 32, b);
    b[0] &= 0x7f;
    b[31] |= 0x01;
    mpz_t z;
    mpz_init(z);
    nettle_mpz_set_str_256_u(z, sizeof b, b);
    const int ok = ecc_scalar_set(&s->ec_key, z);
    mpz_clear(z);
    if (!ok) throw std::runtime_error("ecc_scalar_set");
    ecc_point_mul_g(&s->ec_pub, &s->ec_key);
  }
  mpz_t x, y;
  mpz_init(x);
  mpz_init(y);
  ecc_point_get(&s->ec_pub, x, y);
  std::vector<uint8_t> q{0x04};
  for (mpz_srcptr v : {static_cast<mpz_srcptr>(x), static_cast<mpz_srcptr>(y)}) {
    auto b = mpz_bytes(v, field_bytes(curve_type));
    q.insert(q.end(), b.begin(), b.end());
  }
  mpz_clear(x);
  mpz_clear(y);
  wire::Writer w;
  w.string(key_name(blob_type)).string(curve_name(curve_type)).string(q);
  s->blob = w.take();
  return s;
}

TestUserKey TestUserKey::ecdsa(KeyType curve) { return TestUserKey(ec_state(curve, curve)); }

TestUserKey TestUserKey::sk_ecdsa(std::string application) {
  auto s = ec_state(KeyType::kEcdsaP256, KeyType::kSkEcdsaP256);
  wire::Writer w;
  w.raw(s->blob).string(application);
  s->blob = w.take();
  s->application = std::move(application);
  return TestUserKey(std::move(s));
}

static std::unique_ptr<TestUserKey::State> ed_state(KeyType type, const uint8_t* seed32 = nullptr) {
  auto s = std::make_unique<TestUserKey::State>();
  s->type = type;
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  if (seed32 == nullptr)
    crypto_sign_keypair(pk, s->ed_secret);
  else
    crypto_sign_seed_keypair(pk, s->ed_secret, seed32);
  wire::Writer w;
  w.string(key_name(type)).string(std::span<const uint8_t>(pk, sizeof pk));
  s->blob = w.take();
  return s;
}

TestUserKey TestUserKey::ed25519() { return TestUserKey(ed_state(KeyType::kEd25519)); }

TestUserKey TestUserKey::sk_ed25519(std::string application) {
  auto s = ed_state(KeyType::kSkEd25519);
  wire::Writer w;
  w.raw(s->blob).string(application);
  s->blob = w.take();
  s->application = std::move(application);
  return TestUserKey(std::move(s));
}

TestUserKey TestUserKey::sk_ed25519_from_seed(std::span<const uint8_t, 32> seed,
                                              std::string application) {
  auto s = ed_state(KeyType::kSkEd25519, seed.data());
  wire::Writer w;
  w.raw(s->blob).string(application);
  s->blob = w.take();
  s->application = std::move(application);
  return TestUserKey(std::move(s));
}

TestUserKey TestUserKey::sk_ecdsa_from_seed(std::span<const uint8_t, 32> seed,
                                            std::string application) {
  auto s = ec_state(KeyType::kEcdsaP256, KeyType::kSkEcdsaP256, seed.data());
  wire::Writer w;
  w.raw(s->blob).string(application);
  s->blob = w.take();
  s->application = std::move(application);
  return TestUserKey(std::move(s));
}

KeyType TestUserKey::type() const { return s_->type; }
const std::vector<uint8_t>& TestUserKey::blob() const { return s_->blob; }

std::string TestUserKey::authorized_keys_entry() const {
  std::string b64(sodium_base64_ENCODED_LEN(s_->blob.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), s_->blob.data(), s_->blob.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return std::string(key_name(s_->type)) + " " + b64;
}

std::vector<uint8_t> TestUserKey::sign(std::string_view algorithm, std::span<const uint8_t> data,
                                       uint8_t sk_flags, uint32_t sk_counter) const {
  const transport::SignatureAlgorithm* alg = nullptr;
  for (const auto& row : transport::kSignatureAlgorithms)
    if (row.name == algorithm) alg = &row;
  if (alg == nullptr) throw std::logic_error("unknown algorithm");
  wire::Writer w;
  w.string(algorithm);
  switch (s_->type) {
    case KeyType::kRsa: {
      const auto d = digest(alg->hash, data);
      mpz_t sig;
      mpz_init(sig);
      int ok = 0;
      if (alg->hash == transport::SignatureHash::kSha1)
        ok = rsa_sha1_sign_digest_tr(&s_->rsa_pub, &s_->rsa_priv, nullptr, random_bytes, d.data(), sig);
      else if (alg->hash == transport::SignatureHash::kSha256)
        ok = rsa_sha256_sign_digest_tr(&s_->rsa_pub, &s_->rsa_priv, nullptr, random_bytes, d.data(), sig);
      else
        ok = rsa_sha512_sign_digest_tr(&s_->rsa_pub, &s_->rsa_priv, nullptr, random_bytes, d.data(), sig);
      if (!ok) throw std::runtime_error("rsa sign");
      w.string(mpz_bytes(sig, s_->rsa_pub.size));
      mpz_clear(sig);
      break;
    }
    case KeyType::kEcdsaP256:
    case KeyType::kEcdsaP384:
    case KeyType::kEcdsaP521: w.string(s_->ecdsa_rs(digest(alg->hash, data))); break;
    case KeyType::kEd25519: {
      uint8_t sig[crypto_sign_BYTES];
      crypto_sign_detached(sig, nullptr, data.data(), data.size(), s_->ed_secret);
      w.string(std::span<const uint8_t>(sig, sizeof sig));
      break;
    }
    case KeyType::kSkEd25519:
    case KeyType::kSkEcdsaP256: {
      // PROTOCOL.u2f: SHA256(application) || flags || counter || SHA256(data)
      wire::Writer m;
      const auto app = crypto::sha256({reinterpret_cast<const uint8_t*>(s_->application.data()),
                                       s_->application.size()});
      m.raw(app).u8(sk_flags).u32(sk_counter).raw(crypto::sha256(data));
      if (s_->type == KeyType::kSkEd25519) {
        uint8_t sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, nullptr, m.bytes().data(), m.bytes().size(), s_->ed_secret);
        w.string(std::span<const uint8_t>(sig, sizeof sig));
      } else {
        w.string(s_->ecdsa_rs(crypto::sha256(m.bytes())));
      }
      w.u8(sk_flags).u32(sk_counter);
      break;
    }
  }
  return w.take();
}

}  // namespace lpsshd::testkeys
