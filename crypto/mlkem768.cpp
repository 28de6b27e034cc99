// ML-KEM-768 (FIPS 203 §6, §7): the key-encapsulation mechanism around K-PKE,
// with the input checks of §7.2 and §7.3.
#include "crypto/mlkem768.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/constant_time.h"
#include "crypto/mlkem768_internal.h"
#include "crypto/mlkem_encoding.h"
#include "crypto/scoped_wipe.h"

namespace lpsshd::crypto::mlkem768 {

namespace {

// Offsets inside dk = dkPKE ‖ ek ‖ H(ek) ‖ z.
constexpr size_t kDkEkOffset = kVectorBytes;
constexpr size_t kDkHashOffset = kDkEkOffset + kEncapsulationKeyBytes;
constexpr size_t kDkZOffset = kDkHashOffset + 32;

// 0xff when a and b differ anywhere, else 0; time independent of the bytes.
uint8_t differ_mask(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  uint32_t acc = 0;
  for (size_t i = 0; i < a.size(); ++i) acc |= uint32_t{a[i]} ^ b[i];
  // acc < 256: 0 - acc has its top bit set exactly when acc != 0.
  const uint32_t differ = (0u - acc) >> 31;
  return value_barrier(static_cast<uint8_t>(0u - differ));
}

}  // namespace

// ek is public: this check may branch on it.
bool encapsulation_key_valid(std::span<const uint8_t> ek) {
  if (ek.size() != kEncapsulationKeyBytes) return false;
  std::array<uint8_t, kPolyBytes> again;
  for (size_t i = 0; i < kK; ++i) {
    const auto part = ek.subspan(i * kPolyBytes, kPolyBytes);
    mlkem::byte_encode(12, mlkem::byte_decode(12, part), again);
    if (!std::equal(again.begin(), again.end(), part.begin())) return false;
  }
  return true;
}

// Algorithm 16.
void keygen(std::span<const uint8_t, kSeedBytes> d, std::span<const uint8_t, kSeedBytes> z,
            std::span<uint8_t, kEncapsulationKeyBytes> ek,
            std::span<uint8_t, kDecapsulationKeyBytes> dk) {
  kpke_keygen(d, ek, dk.first<kVectorBytes>());
  std::copy(ek.begin(), ek.end(), dk.begin() + kDkEkOffset);
  const auto h = hash_h(ek);
  std::copy(h.begin(), h.end(), dk.begin() + kDkHashOffset);
  std::copy(z.begin(), z.end(), dk.begin() + kDkZOffset);
}

// Algorithm 17, after the §7.2 check.
bool encapsulate(std::span<const uint8_t, kEncapsulationKeyBytes> ek,
                 std::span<const uint8_t, kSeedBytes> m, std::span<uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared) {
  if (!encapsulation_key_valid(ek)) return false;
  const auto h = hash_h(ek);
  std::array<uint8_t, 64> k_r = hash_g(m, h);
  const ScopedWipe wipe_k_r(k_r);
  kpke_encrypt(ek, m, std::span<const uint8_t, 64>(k_r).last<32>(), ct);
  std::copy(k_r.begin(), k_r.begin() + 32, shared.begin());
  return true;
}

// Algorithm 18, after the §7.3 hash check. Re-encrypting m' and comparing
// with c is the Fujisaki-Okamoto check; which key comes out is chosen with a
// mask, never a branch, so neither timing nor the code path shows whether
// the ciphertext was honest.
bool decapsulate(std::span<const uint8_t, kDecapsulationKeyBytes> dk,
                 std::span<const uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared) {
  const auto dk_pke = dk.first<kVectorBytes>();
  const auto ek = dk.subspan<kDkEkOffset, kEncapsulationKeyBytes>();
  const auto h = dk.subspan<kDkHashOffset, 32>();
  const auto z = dk.subspan<kDkZOffset, 32>();
  const auto h_again = hash_h(ek);
  if (!std::equal(h_again.begin(), h_again.end(), h.begin())) return false;

  std::array<uint8_t, 32> m;
  const ScopedWipe wipe_m(m);
  kpke_decrypt(dk_pke, ct, m);
  std::array<uint8_t, 64> k_r = hash_g(m, h);
  const ScopedWipe wipe_k_r(k_r);
  std::array<uint8_t, 32> k_bar = hash_j(z, ct);
  const ScopedWipe wipe_k_bar(k_bar);
  std::array<uint8_t, kCiphertextBytes> ct_again;
  const ScopedWipe wipe_ct_again(ct_again);
  kpke_encrypt(ek, m, std::span<const uint8_t, 64>(k_r).last<32>(), ct_again);

  const uint8_t reject = differ_mask(ct, ct_again);
  for (size_t i = 0; i < kSharedSecretBytes; ++i)
    shared[i] = static_cast<uint8_t>((k_r[i] & ~reject) | (k_bar[i] & reject));
  return true;
}

}  // namespace lpsshd::crypto::mlkem768
