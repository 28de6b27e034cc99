#include "crypto/x25519.h"

#include <sodium.h>

namespace lpsshd::crypto {

X25519Ephemeral x25519_generate() {
  X25519Ephemeral e{SecretBytes(crypto_scalarmult_curve25519_SCALARBYTES), {}};
  randombytes_buf(e.secret.data(), e.secret.size());
  crypto_scalarmult_curve25519_base(e.public_key.data(), e.secret.data());
  return e;
}

std::optional<SecretBytes> x25519_shared(const SecretBytes& secret,
                                         std::span<const uint8_t> peer_public) {
  if (peer_public.size() != crypto_scalarmult_curve25519_BYTES ||
      secret.size() != crypto_scalarmult_curve25519_SCALARBYTES)
    return std::nullopt;
  SecretBytes shared(crypto_scalarmult_curve25519_BYTES);
  // libsodium returns -1 when the result is all zero; check it ourselves too
  // so the rule does not depend on the library version.
  if (crypto_scalarmult_curve25519(shared.data(), secret.data(), peer_public.data()) != 0)
    return std::nullopt;
  if (sodium_is_zero(shared.data(), shared.size())) return std::nullopt;
  return shared;
}

}  // namespace lpsshd::crypto
