// OpenSSH key files for ssh-ed25519: the "openssh-key-v1" private key format
// (PROTOCOL.key) as written by `ssh-keygen -t ed25519` without a passphrase,
// and the one-line public key format. Key files are untrusted input: every
// field is read through wire::Reader and checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"

namespace lpsshd::crypto {

struct PrivateKeyFile {
  Ed25519Key key;
  std::string comment;
};

// Parses the PEM-armoured text. On failure returns nullopt and a reason such
// as "encrypted keys are not supported" or "check bytes differ".
std::optional<PrivateKeyFile> parse_openssh_private_key(std::string_view text, std::string& error);

// The same format, unencrypted, 70-column base64 like ssh-keygen writes.
std::string format_openssh_private_key(const Ed25519Key& key, std::string_view comment);

// "ssh-ed25519 AAAA... comment"
std::string format_public_key_line(const Ed25519Public& pk, std::string_view comment);

// Standard base64 with padding, and its decoder (nullopt on bad input,
// ignoring nothing: whitespace is an error).
std::string base64_encode(std::span<const uint8_t> data);
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace lpsshd::crypto
