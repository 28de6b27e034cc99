#include "monitor/auth_delay.h"

#include <sodium.h>

#include <algorithm>

namespace lpsshd::monitor {

crypto::SecretBytes failure_delay_secret(std::span<const uint8_t> host_private_key) {
  static constexpr char kLabel[] = "lpsshd authentication failure delay v1";
  crypto::SecretBytes out(crypto_generichash_BYTES);
  const size_t keylen = std::min<size_t>(host_private_key.size(), crypto_generichash_KEYBYTES_MAX);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const uint8_t*>(kLabel),
                     sizeof kLabel - 1, host_private_key.data(), keylen);
  return out;
}

int64_t user_failure_delay_us(std::span<const uint8_t> secret, std::string_view user) {
  uint8_t h[crypto_generichash_BYTES_MIN];
  crypto_generichash(h, sizeof h, reinterpret_cast<const uint8_t*>(user.data()), user.size(),
                     secret.data(), std::min<size_t>(secret.size(), crypto_generichash_KEYBYTES_MAX));
  // Like OpenSSH's PEEK_U32(hash) / 1e12 seconds: 0 to 4294 microseconds.
  const uint32_t v = (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
  sodium_memzero(h, sizeof h);
  return kMinFailureDelayUs + static_cast<int64_t>(v / 1000000u);
}

int64_t failure_reply_due_us(int64_t delay_us, int64_t elapsed_us) {
  if (elapsed_us > kMaxFailureDelayUs || delay_us <= 0) return elapsed_us;
  int64_t due = delay_us;
  while (due < elapsed_us) due *= 2;
  return due;
}

}  // namespace lpsshd::monitor
