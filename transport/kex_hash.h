// The SSH constructions on top of X25519 (RFC 8731, RFC 4253 7.2/8):
// the shared secret as an mpint, the exchange hash H, and key derivation.
// Used by the monitor only: children never see K.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.h"
#include "crypto/sha2.h"

namespace lpsshd::transport {

struct ExchangeHashInputs {
  std::string_view client_version, server_version;  // without CR LF
  std::span<const uint8_t> client_kexinit, server_kexinit;  // full payloads
  std::span<const uint8_t> host_key_blob;
  std::span<const uint8_t> client_public, server_public;  // Q_C, Q_S
};

// mpint(K) for the 32 raw bytes of X25519 output, read big-endian as RFC 8731
// says: leading zero bytes stripped, 0x00 prepended when the top bit is set.
crypto::SecretBytes shared_secret_mpint(const crypto::SecretBytes& raw_shared);

// H = SHA256(string V_C || string V_S || string I_C || string I_S ||
//            string K_S || string Q_C || string Q_S || mpint K)
crypto::Sha256Digest exchange_hash(const ExchangeHashInputs& in, const crypto::SecretBytes& k_mpint);

// HASH(K || H || letter || session_id), extended with HASH(K || H || K1 ...)
// until `bytes` long (RFC 4253 7.2). Letters 'A'..'F'.
crypto::SecretBytes derive_key(const crypto::SecretBytes& k_mpint, std::span<const uint8_t> h,
                               char letter, std::span<const uint8_t> session_id, size_t bytes);

}  // namespace lpsshd::transport
