// The algorithms lpsshd speaks, one row per name, and the order each list
// is offered in by default (OpenSSH's). Only what is implemented has a row:
// a name here is a promise the code below keeps. No algorithm name appears
// outside this file; everything else works from the row.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace lpsshd::transport {

// The lists sshd_config can set (Ciphers, MACs, KexAlgorithms,
// HostKeyAlgorithms, PubkeyAcceptedAlgorithms, CASignatureAlgorithms).
enum class AlgorithmKind { kKex, kHostKey, kCipher, kMac, kPubkey, kCaSignature };

// Every name of a kind, in table order; the names offered when sshd_config
// says nothing, in preference order.
std::vector<std::string_view> supported_algorithms(AlgorithmKind kind);
std::vector<std::string_view> default_algorithms(AlgorithmKind kind);

// --- key exchange ----------------------------------------------------------
// The monitor computes every exchange; the method says how (crypto behind
// monitor/kex_methods.cpp), the children only relay Q_C and Q_S. The
// post-quantum hybrids (draft-ietf-sshm-mlkem-hybrid-kex,
// draft-josefsson-ntruprime-ssh) concatenate a KEM value and an X25519
// value and hash the two secrets into K, which they encode as a string;
// the classic methods encode K as an mpint.
enum class KexMethod { kCurve25519Sha256, kNistP256Sha256, kMlKem768X25519, kSntrup761X25519 };
enum class KexHash { kSha256, kSha512 };  // H, K of the hybrids, and key derivation
inline constexpr size_t kex_hash_bytes(KexHash h) { return h == KexHash::kSha512 ? 64 : 32; }
struct KexAlgorithm {
  std::string_view name;
  KexMethod method;
  KexHash hash;
  size_t client_public_bytes;  // Q_C exactly this long
  size_t server_public_bytes;  // Q_S exactly this long
  bool post_quantum;           // RequirePQKex accepts only these
  bool by_default;
};
// Default order as OpenSSH 10's.
inline constexpr std::array<KexAlgorithm, 6> kKexAlgorithms{{
    // ML-KEM-768 encapsulation key (1184) + X25519 | ciphertext (1088) + X25519
    {"mlkem768x25519-sha256", KexMethod::kMlKem768X25519, KexHash::kSha256, 1184 + 32, 1088 + 32, true, true},
    // sntrup761 public key (1158) + X25519 | ciphertext (1039) + X25519
    {"sntrup761x25519-sha512", KexMethod::kSntrup761X25519, KexHash::kSha512, 1158 + 32, 1039 + 32, true, true},
    {"sntrup761x25519-sha512@openssh.com", KexMethod::kSntrup761X25519, KexHash::kSha512, 1158 + 32, 1039 + 32, true, true},
    {"curve25519-sha256", KexMethod::kCurve25519Sha256, KexHash::kSha256, 32, 32, false, true},
    {"curve25519-sha256@libssh.org", KexMethod::kCurve25519Sha256, KexHash::kSha256, 32, 32, false, true},
    // For clients without curve25519 (older Java, Go and .NET libraries);
    // not offered unless configured (KexAlgorithms +ecdh-sha2-nistp256):
    // ssh-audit fails NIST curves.
    {"ecdh-sha2-nistp256", KexMethod::kNistP256Sha256, KexHash::kSha256, 65, 65, false, false},
}};
const KexAlgorithm* find_kex(std::string_view name);

// Bounds the monitor protocol and the relaying children take from the table
// (monitor/protocol.h): the longest Q_C and Q_S of any row, and whether n is
// the size of some row's exchange hash (H, and so the session id).
consteval size_t max_kex_client_public() {
  size_t m = 0;
  for (const auto& r : kKexAlgorithms) m = r.client_public_bytes > m ? r.client_public_bytes : m;
  return m;
}
consteval size_t max_kex_server_public() {
  size_t m = 0;
  for (const auto& r : kKexAlgorithms) m = r.server_public_bytes > m ? r.server_public_bytes : m;
  return m;
}
constexpr bool is_kex_hash_size(size_t n) {
  for (const auto& r : kKexAlgorithms)
    if (kex_hash_bytes(r.hash) == n) return true;
  return false;
}

// --- host-key and signature algorithms -------------------------------------
enum class KeyType { kEd25519, kRsa, kEcdsaP256, kEcdsaP384, kEcdsaP521, kSkEd25519, kSkEcdsaP256 };
enum class SignatureHash { kNone, kSha1, kSha256, kSha384, kSha512 };
struct SignatureAlgorithm {
  std::string_view name;      // in KEXINIT, USERAUTH_REQUEST and signature blobs
  std::string_view key_name;  // the key blob's type string
  KeyType key;
  SignatureHash hash;         // for RSA: which PKCS#1 v1.5 digest
  bool host_key;              // may sign key exchanges
  bool host_default;          // in the default HostKeyAlgorithms
  bool user_default;          // in the default PubkeyAcceptedAlgorithms / CASignatureAlgorithms
};
inline constexpr std::array<SignatureAlgorithm, 9> kSignatureAlgorithms{{
    {"ssh-ed25519", "ssh-ed25519", KeyType::kEd25519, SignatureHash::kNone, true, true, true},
    {"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", KeyType::kEcdsaP256, SignatureHash::kSha256, true, true, true},
    {"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", KeyType::kEcdsaP384, SignatureHash::kSha384, false, false, true},
    {"ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521", KeyType::kEcdsaP521, SignatureHash::kSha512, false, false, true},
    {"sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com", KeyType::kSkEd25519, SignatureHash::kNone, false, false, true},
    {"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", KeyType::kSkEcdsaP256, SignatureHash::kSha256, false, false, true},
    {"rsa-sha2-512", "ssh-rsa", KeyType::kRsa, SignatureHash::kSha512, true, true, true},
    {"rsa-sha2-256", "ssh-rsa", KeyType::kRsa, SignatureHash::kSha256, true, true, true},
    // SHA-1: refused unless configured (PubkeyAcceptedAlgorithms +ssh-rsa),
    // as OpenSSH 8.8 and later; never a host-key algorithm here.
    {"ssh-rsa", "ssh-rsa", KeyType::kRsa, SignatureHash::kSha1, false, false, false},
}};
const SignatureAlgorithm* find_signature(std::string_view name);

// --- ciphers and MACs ------------------------------------------------------
enum class CipherMode { kChachaPoly, kAesGcm, kAesCtr };
struct CipherAlgorithm {
  std::string_view name;
  CipherMode mode;
  size_t key_bytes;    // encryption key drawn from the KEX per direction
  size_t iv_bytes;     // IV drawn from the KEX per direction (0: none)
  size_t block_bytes;  // padding alignment; also sets the default RekeyLimit
  size_t tag_bytes;    // the AEAD's own tag; 0 when a MAC is negotiated
  bool aead() const { return tag_bytes != 0; }
};
inline constexpr std::array<CipherAlgorithm, 6> kCiphers{{
    {"chacha20-poly1305@openssh.com", CipherMode::kChachaPoly, 64, 0, 8, 16},
    {"aes128-gcm@openssh.com", CipherMode::kAesGcm, 16, 12, 16, 16},
    {"aes256-gcm@openssh.com", CipherMode::kAesGcm, 32, 12, 16, 16},
    {"aes128-ctr", CipherMode::kAesCtr, 16, 16, 16, 0},
    {"aes192-ctr", CipherMode::kAesCtr, 24, 16, 16, 0},
    {"aes256-ctr", CipherMode::kAesCtr, 32, 16, 16, 0},
}};
const CipherAlgorithm* find_cipher(std::string_view name);

enum class MacHash { kSha256, kSha512 };
struct MacAlgorithm {
  std::string_view name;
  MacHash hash;
  size_t key_bytes;
  size_t tag_bytes;
  // Encrypt-then-MAC (the length in clear, the MAC over the ciphertext) or
  // RFC 4253 6.4's encrypt-and-MAC (the MAC over the plaintext).
  bool etm;
};
inline constexpr std::array<MacAlgorithm, 4> kMacs{{
    {"hmac-sha2-256-etm@openssh.com", MacHash::kSha256, 32, 32, true},
    {"hmac-sha2-512-etm@openssh.com", MacHash::kSha512, 64, 64, true},
    {"hmac-sha2-256", MacHash::kSha256, 32, 32, false},
    {"hmac-sha2-512", MacHash::kSha512, 64, 64, false},
}};
const MacAlgorithm* find_mac(std::string_view name);

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
