// OpenSSH key files: the "openssh-key-v1" private key format (PROTOCOL.key)
// as written by `ssh-keygen -t ed25519|rsa|ecdsa` (P-256) without a
// passphrase, and the one-line public key format. Key files are untrusted
// input: every field is read through wire::Reader and checked, and a key is
// only returned once its private half is shown to match its public half.
// Part of lpsshd_signatures (RSA and ECDSA need hogweed): the monitor and the
// listener's -A link it, the sandboxed children never do.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/host_key.h"

namespace lpsshd::crypto {

struct PrivateKeyFile {
  std::unique_ptr<HostKey> key;  // Ed25519HostKey, RsaHostKey or EcdsaP256HostKey
  std::string comment;
  // The ed25519 key inside, or nullptr for another type (for the test
  // clients, which sign with ed25519 keys only).
  const Ed25519Key* ed25519() const;
};

// Parses the PEM-armoured text: one unencrypted ssh-ed25519, ssh-rsa or
// ecdsa-sha2-nistp256 key. On failure returns nullopt and a reason such as
// "encrypted keys are not supported", "check bytes differ" or "RSA key is
// inconsistent (p*q != n)".
std::optional<PrivateKeyFile> parse_openssh_private_key(std::string_view text, std::string& error);

// The same format, unencrypted, 70-column base64 like ssh-keygen writes.
std::string format_openssh_private_key(const Ed25519Key& key, std::string_view comment);
// Any of the three host key types (Ed25519HostKey, RsaHostKey,
// EcdsaP256HostKey); empty for another HostKey implementation.
std::string format_openssh_private_key(const HostKey& key, std::string_view comment);

// "ssh-ed25519 AAAA... comment"
std::string format_public_key_line(const Ed25519Public& pk, std::string_view comment);
// "TYPE AAAA... comment", TYPE read from the blob's first string.
std::string format_public_key_line(std::span<const uint8_t> public_blob, std::string_view comment);

// Standard base64 with padding, and its decoder (nullopt on bad input,
// ignoring nothing: whitespace is an error).
std::string base64_encode(std::span<const uint8_t> data);
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace lpsshd::crypto
