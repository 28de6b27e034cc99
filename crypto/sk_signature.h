// FIDO/U2F security-key signatures (OpenSSH PROTOCOL.u2f): the authenticator
// does not sign the SSH data itself but a structure binding it to the key's
// application string, the flags it asserted and its signature counter.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "wire/reader.h"

namespace lpsshd::crypto {

// Flags the authenticator sets (PROTOCOL.u2f, FIDO CTAP).
inline constexpr uint8_t kSkUserPresent = 0x01;   // the user touched it
inline constexpr uint8_t kSkUserVerified = 0x04;  // PIN or biometric checked

// The signature blob: string algorithm, string signature, byte flags,
// uint32 counter, nothing after. The views alias the blob.
struct SkSignature {
  wire::Bytes algorithm;
  wire::Bytes signature;  // ed25519: 64 bytes; ecdsa: mpint r, mpint s
  uint8_t flags = 0;
  uint32_t counter = 0;
};
bool parse_sk_signature(std::span<const uint8_t> blob, SkSignature& out);

// What the authenticator signed: SHA256(application) || flags ||
// uint32 counter || SHA256(data). (No extensions: OpenSSH defines none.)
using SkMessage = std::array<uint8_t, 32 + 1 + 4 + 32>;
SkMessage sk_signed_message(std::string_view application, uint8_t flags, uint32_t counter,
                            std::span<const uint8_t> data);

}  // namespace lpsshd::crypto
