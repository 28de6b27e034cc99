#include "transport/kex_hash.h"

#include <sodium.h>

#include "wire/writer.h"

namespace lpsshd::transport {

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

crypto::Sha256Digest exchange_hash(const ExchangeHashInputs& in, const crypto::SecretBytes& k_mpint) {
  wire::Writer w(1024);
  w.string(in.client_version).string(in.server_version);
  w.string(in.client_kexinit).string(in.server_kexinit);
  w.string(in.host_key_blob);
  w.string(in.client_public).string(in.server_public);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, w.bytes().data(), w.size());
  crypto_hash_sha256_update(&st, k_mpint.data(), k_mpint.size());
  crypto::Sha256Digest h;
  crypto_hash_sha256_final(&st, h.data());
  sodium_memzero(&st, sizeof st);
  return h;
}

crypto::SecretBytes derive_key(const crypto::SecretBytes& k_mpint, std::span<const uint8_t> h,
                               char letter, std::span<const uint8_t> session_id, size_t bytes) {
  crypto::SecretBytes out;
  crypto_hash_sha256_state st;
  uint8_t block[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, k_mpint.data(), k_mpint.size());
  crypto_hash_sha256_update(&st, h.data(), h.size());
  const uint8_t l = static_cast<uint8_t>(letter);
  crypto_hash_sha256_update(&st, &l, 1);
  crypto_hash_sha256_update(&st, session_id.data(), session_id.size());
  crypto_hash_sha256_final(&st, block);
  out.append(block);
  while (out.size() < bytes) {
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, k_mpint.data(), k_mpint.size());
    crypto_hash_sha256_update(&st, h.data(), h.size());
    crypto_hash_sha256_update(&st, out.data(), out.size());
    crypto_hash_sha256_final(&st, block);
    out.append(block);
  }
  sodium_memzero(block, sizeof block);
  sodium_memzero(&st, sizeof st);
  crypto::SecretBytes exact(out.span().first(bytes));
  return exact;
}

}  // namespace lpsshd::transport
