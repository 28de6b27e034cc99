#include "crypto/aes_ctr.h"

#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace lpsshd::crypto {

struct AesCtr::State {
  union {
    aes128_ctx a128;
    aes192_ctx a192;
    aes256_ctx a256;
  } aes;
  nettle_cipher_func* encrypt = nullptr;
  uint8_t iv[kBlockBytes];       // counter block at position 0
  uint8_t counter[kBlockBytes];  // counter block at position blocks_
};

AesCtr::AesCtr(std::span<const uint8_t> key, std::span<const uint8_t> iv) : s_(new State{}) {
  if (iv.size() != kBlockBytes) throw std::invalid_argument("AES-CTR IV size");
  switch (key.size()) {
    case 16:
      aes128_set_encrypt_key(&s_->aes.a128, key.data());
      s_->encrypt = reinterpret_cast<nettle_cipher_func*>(aes128_encrypt);
      break;
    case 24:
      aes192_set_encrypt_key(&s_->aes.a192, key.data());
      s_->encrypt = reinterpret_cast<nettle_cipher_func*>(aes192_encrypt);
      break;
    case 32:
      aes256_set_encrypt_key(&s_->aes.a256, key.data());
      s_->encrypt = reinterpret_cast<nettle_cipher_func*>(aes256_encrypt);
      break;
    default:
      throw std::invalid_argument("AES-CTR key size");
  }
  std::memcpy(s_->iv, iv.data(), kBlockBytes);
  std::memcpy(s_->counter, iv.data(), kBlockBytes);
}

AesCtr::~AesCtr() { sodium_memzero(s_.get(), sizeof(State)); }

void AesCtr::crypt(const uint8_t* in, uint8_t* out, size_t len) {
  if (len % kBlockBytes != 0) throw std::invalid_argument("AES-CTR length not whole blocks");
  ctr_crypt(&s_->aes, s_->encrypt, kBlockBytes, s_->counter, len, out, in);
  blocks_ += len / kBlockBytes;
}

void AesCtr::set_position(uint64_t blocks) {
  // counter = iv + blocks, as a 128-bit big-endian sum.
  std::memcpy(s_->counter, s_->iv, kBlockBytes);
  uint64_t carry = blocks;
  for (int i = kBlockBytes - 1; i >= 0 && carry != 0; --i) {
    const uint64_t sum = uint64_t{s_->counter[i]} + (carry & 0xff);
    s_->counter[i] = uint8_t(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  blocks_ = blocks;
}

}  // namespace lpsshd::crypto
