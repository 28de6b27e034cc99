// Streamlined NTRU Prime sntrup761 (NTRU Prime round-3 specification), for
// the sntrup761x25519-sha512 key exchange. The monitor is the only caller in
// the daemon: it encapsulates to the client's key. Key generation and
// decapsulation exist for tests and test tools.
//
// Randomness comes from a RandomSource so that tests can replay it; the
// monitor passes system_random (libsodium's randombytes_buf). The order in
// which an operation draws bytes is part of the interface (it follows the
// specification's reference order), so known-answer files replay.
//
// Constant time: no branch or memory index depends on a secret
// (tests/ctgrind_sntrup761.cpp checks it under valgrind). The one declared
// exception: key generation retries when a candidate g is not invertible
// mod 3, and that retry (not g) is public.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace lpsshd::crypto::sntrup761 {

inline constexpr size_t kPublicKeyBytes = 1158;
inline constexpr size_t kSecretKeyBytes = 1763;
inline constexpr size_t kCiphertextBytes = 1039;
inline constexpr size_t kSharedSecretBytes = 32;

// Fills the span with random bytes. Must not fail.
using RandomSource = void (*)(std::span<uint8_t> out, void* context);
void system_random(std::span<uint8_t> out, void* context);

void keygen(std::span<uint8_t, kPublicKeyBytes> pk, std::span<uint8_t, kSecretKeyBytes> sk,
            RandomSource random = system_random, void* context = nullptr);

// Any 1158 bytes are a public key (decoding rounds into range), so this
// cannot fail.
void encapsulate(std::span<const uint8_t, kPublicKeyBytes> pk,
                 std::span<uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared,
                 RandomSource random = system_random, void* context = nullptr);

// Implicit rejection: a ciphertext that does not re-encrypt to itself gives
// the key derived from the secret rho, never an error.
void decapsulate(std::span<const uint8_t, kSecretKeyBytes> sk,
                 std::span<const uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared);

}  // namespace lpsshd::crypto::sntrup761
