// The insides of ML-KEM-768 (crypto/mlkem768.h), for the module's own files
// and for tests that check each intermediate value of FIPS 203 against the
// published ones: the parameter set, the hash functions G, H, J and PRF
// (§4.1), the sampled matrix and vectors, and K-PKE (§5).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/mlkem768.h"
#include "crypto/mlkem_poly.h"

namespace lpsshd::crypto::mlkem768 {

// ML-KEM-768 (FIPS 203 §8, Table 2): k = 3, η1 = η2 = 2, du = 10, dv = 4.
inline constexpr size_t kK = 3;
inline constexpr unsigned kDu = 10;
inline constexpr unsigned kDv = 4;

inline constexpr size_t kPolyBytes = 384;  // ByteEncode_12
inline constexpr size_t kVectorBytes = kK * kPolyBytes;
inline constexpr size_t kC1Bytes = kK * 32 * kDu;
inline constexpr size_t kC2Bytes = 32 * kDv;
static_assert(kEncapsulationKeyBytes == kVectorBytes + 32);
static_assert(kDecapsulationKeyBytes == kVectorBytes + kEncapsulationKeyBytes + 32 + 32);
static_assert(kCiphertextBytes == kC1Bytes + kC2Bytes);

using PolyVec = std::array<mlkem::Poly, kK>;
using Matrix = std::array<PolyVec, kK>;  // Â[i][j], row i

// G = SHA3-512, H = SHA3-256, J(s) = SHAKE256(s, 32 bytes); the inputs that
// are concatenations in the standard are passed in two parts.
std::array<uint8_t, 64> hash_g(std::span<const uint8_t> a, std::span<const uint8_t> b);
std::array<uint8_t, 32> hash_h(std::span<const uint8_t> in);
std::array<uint8_t, 32> hash_j(std::span<const uint8_t> a, std::span<const uint8_t> b);

// Â[i][j] = SampleNTT(ρ‖j‖i) (Algorithm 13 lines 3-7). ρ is public.
Matrix expand_matrix(std::span<const uint8_t, 32> rho);
// SamplePolyCBD_2(PRF_2(seed, n)), into f.
void sample_noise(std::span<const uint8_t, 32> seed, uint8_t n, mlkem::Poly& f);
// Three noise polynomials with counters first, first + 1, first + 2.
PolyVec sample_noise_vector(std::span<const uint8_t, 32> seed, uint8_t first);

// Â ∘ v (transposed: Âᵀ ∘ v), and the inner product uᵀ ∘ v, in the NTT domain.
PolyVec matrix_times_vector(const Matrix& a, const PolyVec& v, bool transposed);
mlkem::Poly inner_product(const PolyVec& u, const PolyVec& v);
void ntt_vector(PolyVec& v);

void encode_vector(const PolyVec& v, std::span<uint8_t, kVectorBytes> out);
PolyVec decode_vector(std::span<const uint8_t, kVectorBytes> in);

// K-PKE (Algorithms 13, 14, 15).
void kpke_keygen(std::span<const uint8_t, kSeedBytes> d,
                 std::span<uint8_t, kEncapsulationKeyBytes> ek,
                 std::span<uint8_t, kVectorBytes> dk);
// K-PKE.KeyGen after (ρ, σ) = G(d‖k): the C2SP intermediate vectors come
// from the initial public draft of FIPS 203, whose G took d alone, so the
// test enters here with their ρ and σ.
void kpke_keygen_from_seeds(std::span<const uint8_t, 32> rho, std::span<const uint8_t, 32> sigma,
                            std::span<uint8_t, kEncapsulationKeyBytes> ek,
                            std::span<uint8_t, kVectorBytes> dk);
void kpke_encrypt(std::span<const uint8_t, kEncapsulationKeyBytes> ek,
                  std::span<const uint8_t, 32> m, std::span<const uint8_t, 32> r,
                  std::span<uint8_t, kCiphertextBytes> c);
void kpke_decrypt(std::span<const uint8_t, kVectorBytes> dk,
                  std::span<const uint8_t, kCiphertextBytes> c, std::span<uint8_t, 32> m);

}  // namespace lpsshd::crypto::mlkem768
