#include "crypto/hmac_sha2.h"

#include <nettle/hmac.h>
#include <sodium.h>

namespace lpsshd::crypto {

struct HmacSha2::State {
  Hash hash;
  union {
    hmac_sha256_ctx s256;
    hmac_sha512_ctx s512;
  } ctx;
};

HmacSha2::HmacSha2(Hash hash, std::span<const uint8_t> key) : s_(new State{}) {
  s_->hash = hash;
  if (hash == Hash::kSha256)
    hmac_sha256_set_key(&s_->ctx.s256, key.size(), key.data());
  else
    hmac_sha512_set_key(&s_->ctx.s512, key.size(), key.data());
}

HmacSha2::~HmacSha2() { sodium_memzero(s_.get(), sizeof(State)); }

size_t HmacSha2::tag_bytes() const {
  return s_->hash == Hash::kSha256 ? SHA256_DIGEST_SIZE : SHA512_DIGEST_SIZE;
}

void HmacSha2::compute(uint32_t seq, std::span<const uint8_t> data, std::span<const uint8_t> more,
                       uint8_t* tag) {
  const uint8_t s[4] = {uint8_t(seq >> 24), uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq)};
  // nettle's digest call leaves the context keyed for the next message.
  if (s_->hash == Hash::kSha256) {
    hmac_sha256_update(&s_->ctx.s256, sizeof s, s);
    hmac_sha256_update(&s_->ctx.s256, data.size(), data.data());
    hmac_sha256_update(&s_->ctx.s256, more.size(), more.data());
    hmac_sha256_digest(&s_->ctx.s256, SHA256_DIGEST_SIZE, tag);
  } else {
    hmac_sha512_update(&s_->ctx.s512, sizeof s, s);
    hmac_sha512_update(&s_->ctx.s512, data.size(), data.data());
    hmac_sha512_update(&s_->ctx.s512, more.size(), more.data());
    hmac_sha512_digest(&s_->ctx.s512, SHA512_DIGEST_SIZE, tag);
  }
}

bool HmacSha2::verify(uint32_t seq, std::span<const uint8_t> data, std::span<const uint8_t> more,
                      const uint8_t* tag) {
  uint8_t expected[SHA512_DIGEST_SIZE];
  compute(seq, data, more, expected);
  const bool ok = sodium_memcmp(expected, tag, tag_bytes()) == 0;
  sodium_memzero(expected, sizeof expected);
  return ok;
}

}  // namespace lpsshd::crypto
