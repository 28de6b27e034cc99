// X25519 for curve25519-sha256 (RFC 8731): an ephemeral key pair and the
// shared secret. The secret is refused when the peer's value is not 32 bytes
// or the result is all zero (a low-order peer point).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/secret.h"

namespace lpsshd::crypto {

struct X25519Ephemeral {
  SecretBytes secret;                  // 32 bytes, wiped on destruction
  std::array<uint8_t, 32> public_key;  // sent to the peer
};

X25519Ephemeral x25519_generate();

// Shared secret X25519(secret, peer) as the raw 32 bytes RFC 8731 hashes as
// an mpint; nullopt for a malformed peer value or an all-zero result.
std::optional<SecretBytes> x25519_shared(const SecretBytes& secret,
                                         std::span<const uint8_t> peer_public);

}  // namespace lpsshd::crypto
