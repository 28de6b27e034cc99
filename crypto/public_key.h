// User public keys of every supported type (RFC 4253 6.6 ssh-rsa, RFC 5656
// ecdsa-sha2-nistp*, RFC 8709 ssh-ed25519, OpenSSH PROTOCOL.u2f sk-*): one
// strict parser of the key blob a client sends, and one verifier of a
// signature blob by such a key. Linked by the monitor only (lpsshd_signatures:
// nettle, hogweed, gmp); the children never verify anything.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/algorithms.h"

namespace lpsshd::crypto {

struct PublicKey {
  transport::KeyType type = transport::KeyType::kEd25519;
  std::vector<uint8_t> blob;      // as parsed, byte for byte
  // ssh-rsa: magnitudes of e and n (no sign byte), and n's exact bit count.
  std::vector<uint8_t> rsa_e, rsa_n;
  unsigned rsa_bits = 0;
  // ecdsa and sk-ecdsa: 0x04 || X || Y, checked to be on the curve.
  std::vector<uint8_t> ec_point;
  // ssh-ed25519 and sk-ssh-ed25519.
  std::array<uint8_t, 32> ed25519{};
  // sk-*: the FIDO application (relying party) string, e.g. "ssh:".
  std::string sk_application;
};

// The key blob: string type, then the type's fields, nothing after. Refused:
// unknown type; a curve name that is not the type's; an EC point that is
// not 0x04||X||Y on the curve; an RSA e that is even or < 3, or longer than
// 64 bits; an RSA modulus below 1024 or above 16384 bits (the cost bound of
// one verification); any non-minimal mpint; an empty sk application.
std::optional<PublicKey> parse_public_key(std::span<const uint8_t> blob);

// OpenSSH's short name of a key type for log lines: "RSA", "ECDSA",
// "ED25519", "ECDSA-SK", "ED25519-SK".
const char* key_type_log_name(transport::KeyType type);

struct VerifyResult {
  bool ok = false;
  std::string why;         // when !ok: for the monitor's debug log
  uint8_t sk_flags = 0;    // sk-* keys, when ok: what the authenticator asserted
  uint32_t sk_counter = 0;
};

// Verifies a signature blob over data. `algorithm` is the one the client
// named in its request: it must be a row of transport::kSignatureAlgorithms
// for this key's type (rsa-sha2-256, rsa-sha2-512, ssh-rsa for RSA keys),
// and the blob's own algorithm name must equal it. Policy (which
// algorithms are accepted, RSA size, FIDO flags) is the caller's: this only
// says whether the key signed the data.
VerifyResult verify_signature(const PublicKey& key, std::string_view algorithm,
                              std::span<const uint8_t> signature_blob,
                              std::span<const uint8_t> data);

}  // namespace lpsshd::crypto
