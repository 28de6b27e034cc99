#include "transport/kex_hash.h"

#include <sodium.h>

#include "wire/writer.h"

namespace lpsshd::transport {

namespace {
// One incremental hash of the KEX row's kind; its state is wiped when it
// dies (it has absorbed K).
class KexHasher {
 public:
  explicit KexHasher(KexHash h) : hash_(h) {
    if (hash_ == KexHash::kSha512)
      crypto_hash_sha512_init(&sha512_);
    else
      crypto_hash_sha256_init(&sha256_);
  }
  KexHasher(const KexHasher&) = delete;
  KexHasher& operator=(const KexHasher&) = delete;
  ~KexHasher() {
    sodium_memzero(&sha256_, sizeof sha256_);
    sodium_memzero(&sha512_, sizeof sha512_);
  }
  KexHasher& update(std::span<const uint8_t> b) {
    if (hash_ == KexHash::kSha512)
      crypto_hash_sha512_update(&sha512_, b.data(), b.size());
    else
      crypto_hash_sha256_update(&sha256_, b.data(), b.size());
    return *this;
  }
  // Writes kex_hash_bytes(hash) bytes.
  void final(uint8_t* out) {
    if (hash_ == KexHash::kSha512)
      crypto_hash_sha512_final(&sha512_, out);
    else
      crypto_hash_sha256_final(&sha256_, out);
  }

 private:
  KexHash hash_;
  crypto_hash_sha256_state sha256_{};
  crypto_hash_sha512_state sha512_{};
};
constexpr size_t kMaxDigest = crypto_hash_sha512_BYTES;
}  // namespace

crypto::SecretBytes shared_secret_mpint(const crypto::SecretBytes& raw) {
  size_t i = 0;
  while (i < raw.size() && raw.data()[i] == 0) ++i;
  const size_t mag = raw.size() - i;
  const bool pad = mag > 0 && (raw.data()[i] & 0x80) != 0;
  const size_t len = mag + (pad ? 1 : 0);
  crypto::SecretBytes out(4 + len);
  out.data()[0] = uint8_t(len >> 24);
  out.data()[1] = uint8_t(len >> 16);
  out.data()[2] = uint8_t(len >> 8);
  out.data()[3] = uint8_t(len);
  if (pad) out.data()[4] = 0;
  for (size_t j = 0; j < mag; ++j) out.data()[4 + (pad ? 1 : 0) + j] = raw.data()[i + j];
  return out;
}

crypto::SecretBytes hybrid_shared_secret(KexHash hash, std::span<const uint8_t> kem_secret,
                                         std::span<const uint8_t> x25519_secret) {
  const size_t n = kex_hash_bytes(hash);
  crypto::SecretBytes out(4 + n);
  out.data()[0] = out.data()[1] = out.data()[2] = 0;
  out.data()[3] = uint8_t(n);
  KexHasher(hash).update(kem_secret).update(x25519_secret).final(out.data() + 4);
  return out;
}

std::vector<uint8_t> exchange_hash(KexHash hash, const ExchangeHashInputs& in,
                                   const crypto::SecretBytes& k_encoded) {
  wire::Writer w(1024);
  w.string(in.client_version).string(in.server_version);
  w.string(in.client_kexinit).string(in.server_kexinit);
  w.string(in.host_key_blob);
  w.string(in.client_public).string(in.server_public);
  std::vector<uint8_t> h(kex_hash_bytes(hash));
  KexHasher(hash).update(w.bytes()).update(k_encoded.span()).final(h.data());
  return h;
}

crypto::SecretBytes derive_key(KexHash hash, const crypto::SecretBytes& k_encoded,
                               std::span<const uint8_t> h, char letter,
                               std::span<const uint8_t> session_id, size_t bytes) {
  const size_t n = kex_hash_bytes(hash);
  const uint8_t l = static_cast<uint8_t>(letter);
  uint8_t block[kMaxDigest];
  crypto::SecretBytes out;
  KexHasher(hash).update(k_encoded.span()).update(h).update({&l, 1}).update(session_id).final(block);
  out.append({block, n});
  while (out.size() < bytes) {
    KexHasher(hash).update(k_encoded.span()).update(h).update(out.span()).final(block);
    out.append({block, n});
  }
  sodium_memzero(block, sizeof block);
  return crypto::SecretBytes(out.span().first(bytes));
}

}  // namespace lpsshd::transport
