// ML-KEM-768 (FIPS 203), for the mlkem768x25519-sha256 key exchange. The
// monitor is the only caller in the daemon: it encapsulates to the client's
// key. Key generation and decapsulation exist for tests and for the hybrid's
// client side in test tools. Deterministic "internal" forms (FIPS 203 §6)
// take their randomness as arguments so the NIST/C2SP vectors and an
// independent implementation can be replayed byte for byte; the monitor
// draws d, z and m from libsodium's randombytes_buf.
//
// Constant time: no branch or memory index depends on d, z, m, dk's secret
// part or the shared secret (tests/ctgrind_mlkem768.cpp checks it under
// valgrind). ρ (the public matrix seed) is public by definition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace lpsshd::crypto::mlkem768 {

inline constexpr size_t kEncapsulationKeyBytes = 1184;
inline constexpr size_t kDecapsulationKeyBytes = 2400;
inline constexpr size_t kCiphertextBytes = 1088;
inline constexpr size_t kSharedSecretBytes = 32;
inline constexpr size_t kSeedBytes = 32;  // d, z and m

// FIPS 203 §7.2 input checks on an encapsulation key: the size, and the
// modulus check (every 12-bit coefficient re-encodes to the same bytes,
// i.e. is < q = 3329).
bool encapsulation_key_valid(std::span<const uint8_t> ek);

// ML-KEM.KeyGen_internal(d, z) (Algorithm 16).
void keygen(std::span<const uint8_t, kSeedBytes> d, std::span<const uint8_t, kSeedBytes> z,
            std::span<uint8_t, kEncapsulationKeyBytes> ek,
            std::span<uint8_t, kDecapsulationKeyBytes> dk);

// ML-KEM.Encaps_internal(ek, m) (Algorithm 17) after the §7.2 input check:
// false, and nothing written, when ek fails it.
bool encapsulate(std::span<const uint8_t, kEncapsulationKeyBytes> ek,
                 std::span<const uint8_t, kSeedBytes> m, std::span<uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared);

// ML-KEM.Decaps_internal(dk, c) (Algorithm 18) after the §7.3 hash check on
// dk (false, nothing written, when H(ek) inside dk does not match). A
// ciphertext that does not decrypt gives the implicit-rejection key
// J(z ‖ c), never an error.
bool decapsulate(std::span<const uint8_t, kDecapsulationKeyBytes> dk,
                 std::span<const uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared);

}  // namespace lpsshd::crypto::mlkem768
