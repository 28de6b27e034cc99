#include "crypto/rsa_signature.h"

#include <nettle/rsa.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include <nettle/bignum.h>

#include "crypto/bignum.h"

namespace lpsshd::crypto {

unsigned magnitude_bits(std::span<const uint8_t> be) {
  if (be.empty()) return 0;
  unsigned bits = static_cast<unsigned>((be.size() - 1) * 8);
  for (uint8_t top = be[0]; top != 0; top >>= 1) ++bits;
  return bits;
}

namespace {

// nettle's public key with its clear.
struct RsaPublic {
  rsa_public_key k;
  RsaPublic() { rsa_public_key_init(&k); }
  ~RsaPublic() { rsa_public_key_clear(&k); }
  RsaPublic(const RsaPublic&) = delete;
  RsaPublic& operator=(const RsaPublic&) = delete;
};

}  // namespace

bool rsa_verify_pkcs1v15(std::span<const uint8_t> n, std::span<const uint8_t> e,
                      transport::SignatureHash hash, std::span<const uint8_t> s,
                      std::span<const uint8_t> data) {
  const unsigned bits = magnitude_bits(n);
  if (bits < kRsaMinParseBits || bits > kRsaMaxBits || e.size() > kRsaMaxExponentBytes) return false;
  // Longer than the modulus: not a signature of this key, even if the extra
  // bytes are zeros. Shorter: the integer is the same as its left-padded form.
  if (s.size() > (bits + 7) / 8) return false;
  RsaPublic key;
  nettle_mpz_set_str_256_u(key.k.n, n.size(), n.data());
  nettle_mpz_set_str_256_u(key.k.e, e.size(), e.data());
  if (!rsa_public_key_prepare(&key.k)) return false;
  Mpz sig(s);
  // nettle refuses a signature that is zero or not below n.
  switch (hash) {
    case transport::SignatureHash::kSha1: {
      uint8_t d[SHA1_DIGEST_SIZE];
      sha1_ctx c;
      sha1_init(&c);
      sha1_update(&c, data.size(), data.data());
      sha1_digest(&c, sizeof d, d);
      return rsa_sha1_verify_digest(&key.k, d, sig.get()) == 1;
    }
    case transport::SignatureHash::kSha256: {
      uint8_t d[SHA256_DIGEST_SIZE];
      sha256_ctx c;
      sha256_init(&c);
      sha256_update(&c, data.size(), data.data());
      sha256_digest(&c, sizeof d, d);
      return rsa_sha256_verify_digest(&key.k, d, sig.get()) == 1;
    }
    case transport::SignatureHash::kSha512: {
      uint8_t d[SHA512_DIGEST_SIZE];
      sha512_ctx c;
      sha512_init(&c);
      sha512_update(&c, data.size(), data.data());
      sha512_digest(&c, sizeof d, d);
      return rsa_sha512_verify_digest(&key.k, d, sig.get()) == 1;
    }
    case transport::SignatureHash::kNone:
    case transport::SignatureHash::kSha384:
      return false;  // no RSA row uses these
  }
  return false;
}

}  // namespace lpsshd::crypto
