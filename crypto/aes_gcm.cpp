#include "crypto/aes_gcm.h"

#include <nettle/aes.h>
#include <nettle/gcm.h>
#include <sodium.h>

#include <stdexcept>

namespace lpsshd::crypto {

struct AesGcm::State {
  union {
    aes128_ctx a128;
    aes256_ctx a256;
  } aes;
  nettle_cipher_func* encrypt = nullptr;
  gcm_key hash_key;
  gcm_ctx ctx;
  uint8_t fixed[4];        // the IV's first 4 bytes, fixed for the key's life
  uint64_t counter0 = 0;   // the IV's invocation field at the key's start
};

AesGcm::AesGcm(std::span<const uint8_t> key, std::span<const uint8_t> iv) : s_(new State{}) {
  if (iv.size() != kIvBytes) throw std::invalid_argument("AES-GCM IV size");
  if (key.size() == 16) {
    aes128_set_encrypt_key(&s_->aes.a128, key.data());
    s_->encrypt = reinterpret_cast<nettle_cipher_func*>(aes128_encrypt);
  } else if (key.size() == 32) {
    aes256_set_encrypt_key(&s_->aes.a256, key.data());
    s_->encrypt = reinterpret_cast<nettle_cipher_func*>(aes256_encrypt);
  } else {
    throw std::invalid_argument("AES-GCM key size");
  }
  gcm_set_key(&s_->hash_key, &s_->aes, s_->encrypt);
  for (int i = 0; i < 4; ++i) s_->fixed[i] = iv[i];
  for (int i = 4; i < 12; ++i) s_->counter0 = (s_->counter0 << 8) | iv[i];
}

AesGcm::~AesGcm() { sodium_memzero(s_.get(), sizeof(State)); }

void AesGcm::set_invocations(uint64_t n) { invocations_ = n; }

void AesGcm::start(std::span<const uint8_t> aad) {
  // The invocation field wraps modulo 2^64 (RFC 5647 7.1); a key never
  // comes near that (rekey_policy.h).
  const uint64_t c = s_->counter0 + invocations_;
  uint8_t nonce[kIvBytes];
  for (int i = 0; i < 4; ++i) nonce[i] = s_->fixed[i];
  for (int i = 0; i < 8; ++i) nonce[4 + i] = uint8_t(c >> (56 - 8 * i));
  gcm_set_iv(&s_->ctx, &s_->hash_key, sizeof nonce, nonce);
  gcm_update(&s_->ctx, &s_->hash_key, aad.size(), aad.data());
}

void AesGcm::seal(std::span<const uint8_t> aad, uint8_t* data, size_t len, uint8_t tag[kTagBytes]) {
  start(aad);
  gcm_encrypt(&s_->ctx, &s_->hash_key, &s_->aes, s_->encrypt, len, data, data);
  gcm_digest(&s_->ctx, &s_->hash_key, &s_->aes, s_->encrypt, kTagBytes, tag);
  ++invocations_;
}

bool AesGcm::open(std::span<const uint8_t> aad, const uint8_t* in, size_t len,
                  const uint8_t tag[kTagBytes], uint8_t* out) {
  // nettle hashes the ciphertext while it decrypts, in one pass; the
  // plaintext in out is wiped again if the tag does not match, and the
  // caller never looks at it then.
  start(aad);
  uint8_t expected[kTagBytes];
  gcm_decrypt(&s_->ctx, &s_->hash_key, &s_->aes, s_->encrypt, len, out, in);
  gcm_digest(&s_->ctx, &s_->hash_key, &s_->aes, s_->encrypt, kTagBytes, expected);
  if (sodium_memcmp(expected, tag, kTagBytes) != 0) {
    sodium_memzero(out, len);
    return false;
  }
  ++invocations_;
  return true;
}

}  // namespace lpsshd::crypto
