#include "crypto/chachapoly.h"

#include <sodium.h>

#include <stdexcept>

namespace lpsshd::crypto {

namespace {
void nonce_from_seq(uint32_t seq, uint8_t nonce[8]) {
  const uint64_t s = seq;
  for (int i = 0; i < 8; ++i) nonce[i] = uint8_t(s >> (56 - 8 * i));
}
}  // namespace

ChachaPoly::ChachaPoly(std::span<const uint8_t> key) : key_(key) {
  if (key.size() != kKeyBytes) throw std::invalid_argument("chacha20-poly1305 key size");
}

uint32_t ChachaPoly::packet_length(uint32_t seq, const uint8_t enc_len[4]) const {
  uint8_t nonce[8], plain[4];
  nonce_from_seq(seq, nonce);
  crypto_stream_chacha20_xor(plain, enc_len, 4, nonce, header_key());
  return (uint32_t{plain[0]} << 24) | (uint32_t{plain[1]} << 16) | (uint32_t{plain[2]} << 8) |
         plain[3];
}

void ChachaPoly::seal(uint32_t seq, uint8_t* pkt, size_t len, uint8_t* tag) const {
  uint8_t nonce[8], poly_key[32];
  nonce_from_seq(seq, nonce);
  crypto_stream_chacha20(poly_key, sizeof poly_key, nonce, main_key());
  crypto_stream_chacha20_xor(pkt, pkt, 4, nonce, header_key());
  if (len > 4) crypto_stream_chacha20_xor_ic(pkt + 4, pkt + 4, len - 4, nonce, 1, main_key());
  crypto_onetimeauth_poly1305(tag, pkt, len, poly_key);
  sodium_memzero(poly_key, sizeof poly_key);
}

bool ChachaPoly::open(uint32_t seq, const uint8_t* pkt, size_t len, const uint8_t* tag,
                      uint8_t* out) const {
  uint8_t nonce[8], poly_key[32];
  nonce_from_seq(seq, nonce);
  crypto_stream_chacha20(poly_key, sizeof poly_key, nonce, main_key());
  const bool good = crypto_onetimeauth_poly1305_verify(tag, pkt, len, poly_key) == 0;
  sodium_memzero(poly_key, sizeof poly_key);
  if (!good) return false;
  if (len > 4) crypto_stream_chacha20_xor_ic(out, pkt + 4, len - 4, nonce, 1, main_key());
  return true;
}

}  // namespace lpsshd::crypto
