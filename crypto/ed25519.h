// ssh-ed25519 (RFC 8709): public key blobs, signature blobs, signing with a
// host key, verification of a client's signature.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secret.h"

namespace lpsshd::crypto {

inline constexpr std::string_view kEd25519Name = "ssh-ed25519";

using Ed25519Public = std::array<uint8_t, 32>;

// string "ssh-ed25519" || string key(32)
std::vector<uint8_t> ed25519_public_blob(const Ed25519Public& pk);
// Parses exactly that encoding, nothing else, no trailing bytes.
std::optional<Ed25519Public> ed25519_parse_public_blob(std::span<const uint8_t> blob);

class Ed25519Key {
 public:
  // secret is libsodium's 64-byte form (seed || public key).
  Ed25519Key(SecretBytes secret, const Ed25519Public& pk);
  static Ed25519Key generate();
  // Checks that the public half matches the secret's seed.
  bool consistent() const;

  const Ed25519Public& public_key() const { return pk_; }
  const SecretBytes& secret() const { return sk_; }
  std::vector<uint8_t> public_blob() const { return ed25519_public_blob(pk_); }
  // Signature blob: string "ssh-ed25519" || string sig(64).
  std::vector<uint8_t> sign_blob(std::span<const uint8_t> message) const;

 private:
  SecretBytes sk_;
  Ed25519Public pk_;
};

// Verifies a signature blob over message by the key in public_blob. False for
// any malformed blob or algorithm other than ssh-ed25519.
bool ed25519_verify_blob(std::span<const uint8_t> public_blob,
                         std::span<const uint8_t> signature_blob,
                         std::span<const uint8_t> message);

}  // namespace lpsshd::crypto
