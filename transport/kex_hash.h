// The SSH constructions on top of a key agreement (RFC 4253 7.2/8, RFC
// 8731, and the post-quantum hybrids): the encoding of the shared secret K,
// the exchange hash H, and key derivation, with the KEX row's hash (SHA-256,
// or SHA-512 for sntrup761x25519-sha512). Used by the monitor only: children
// never see K.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secret.h"
#include "transport/algorithms.h"

namespace lpsshd::transport {

struct ExchangeHashInputs {
  std::string_view client_version, server_version;  // without CR LF
  std::span<const uint8_t> client_kexinit, server_kexinit;  // full payloads
  std::span<const uint8_t> host_key_blob;
  std::span<const uint8_t> client_public, server_public;  // Q_C, Q_S
};

// mpint(K) for the raw bytes of an X25519 or ECDH output, read big-endian
// as RFC 8731 says: leading zero bytes stripped, 0x00 prepended when the top
// bit is set.
crypto::SecretBytes shared_secret_mpint(const crypto::SecretBytes& raw_shared);

// The hybrids' K: string(HASH(kem_secret || x25519_secret)) — a string, not
// an mpint, in H and in key derivation alike.
crypto::SecretBytes hybrid_shared_secret(KexHash hash, std::span<const uint8_t> kem_secret,
                                         std::span<const uint8_t> x25519_secret);

// H = HASH(string V_C || string V_S || string I_C || string I_S ||
//          string K_S || string Q_C || string Q_S || K), K already encoded.
std::vector<uint8_t> exchange_hash(KexHash hash, const ExchangeHashInputs& in,
                                   const crypto::SecretBytes& k_encoded);

// HASH(K || H || letter || session_id), extended with HASH(K || H || K1 ...)
// until `bytes` long (RFC 4253 7.2). Letters 'A'..'F'.
crypto::SecretBytes derive_key(KexHash hash, const crypto::SecretBytes& k_encoded,
                               std::span<const uint8_t> h, char letter,
                               std::span<const uint8_t> session_id, size_t bytes);

}  // namespace lpsshd::transport
