// The algorithms lpsshd speaks, one row per name. Only what is implemented
// is offered: a name here is a promise the code below keeps.
#pragma once

#include <array>
#include <string_view>

namespace lpsshd::transport {

struct KexAlgorithm {
  std::string_view name;  // curve25519-sha256 and its pre-RFC alias are one method
};
inline constexpr std::array<KexAlgorithm, 2> kKexAlgorithms{{
    {"curve25519-sha256"},
    {"curve25519-sha256@libssh.org"},
}};

inline constexpr std::string_view kHostKeyAlgorithm = "ssh-ed25519";

struct CipherAlgorithm {
  std::string_view name;
  size_t key_bytes;  // key material drawn from the KEX per direction
  bool aead;         // integrity built in: no MAC is negotiated
  size_t block_bytes;  // sets the default RekeyLimit (transport/rekey_policy.h)
};
inline constexpr std::array<CipherAlgorithm, 1> kCiphers{{
    {"chacha20-poly1305@openssh.com", 64, true, 8},
}};
// The row for a negotiated name, or nullptr.
constexpr const CipherAlgorithm* find_cipher(std::string_view name) {
  for (const auto& c : kCiphers)
    if (c.name == name) return &c;
  return nullptr;
}

inline constexpr std::string_view kCompressionNone = "none";
// Delayed compression (transport/compression.h): zlib starts only after
// authentication. Plain "zlib" (from the first NEWKEYS) is never offered:
// only the postauth child, the user's own process, may inflate peer bytes.
inline constexpr std::string_view kCompressionZlibDelayed = "zlib@openssh.com";

// Pseudo-algorithms in the KEX list that signal extensions.
inline constexpr std::string_view kStrictKexServer = "kex-strict-s-v00@openssh.com";
inline constexpr std::string_view kStrictKexClient = "kex-strict-c-v00@openssh.com";
inline constexpr std::string_view kExtInfoClient = "ext-info-c";

}  // namespace lpsshd::transport
