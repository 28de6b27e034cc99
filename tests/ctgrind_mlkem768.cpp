// Constant-time check of ML-KEM-768 under valgrind (tests/support/ctgrind.h):
// d and z (KeyGen), m (Encaps) and dk's secret parts, the vector ŝ and z
// (Decaps), are marked undefined, so any branch or memory index that
// depends on them is a memcheck error and the run fails
// (--error-exitcode=1).
//
// Declared public, each where it is sent or named as an exception:
//   - ek and ct: sent to the peer;
//   - ρ: the matrix seed, inside keygen (crypto/constant_time.h's
//     declassify(), compiled in for this test by lpsshd_mlkem768_ctgrind):
//     SampleNTT's rejection loop runs on it, and it is part of ek;
//   - dk's copy of ek and H(ek): public key material stored in dk.
// The shared secrets stay secret: only their equality is checked, after
// marking them public at the very end (the test's own branch).
#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstring>

#include "crypto/mlkem768.h"
#include "tests/support/ctgrind.h"

using namespace lpsshd::crypto::mlkem768;
using lpsshd::test::ct_public;
using lpsshd::test::ct_secret;

int main() {
  if (sodium_init() < 0) return 2;
  if (!lpsshd::test::under_valgrind()) std::fprintf(stderr, "note: not under valgrind, nothing is checked\n");

  std::array<uint8_t, kSeedBytes> d, z, m;
  randombytes_buf(d.data(), d.size());
  randombytes_buf(z.data(), z.size());
  randombytes_buf(m.data(), m.size());
  std::array<uint8_t, kEncapsulationKeyBytes> ek;
  std::array<uint8_t, kDecapsulationKeyBytes> dk;

  ct_secret(d.data(), d.size());
  ct_secret(z.data(), z.size());
  keygen(d, z, ek, dk);
  ct_public(ek.data(), ek.size());  // sent
  // dk = ŝ ‖ ek ‖ H(ek) ‖ z: its ek and H(ek) are public, ŝ and z are not.
  ct_public(dk.data() + 1152, kEncapsulationKeyBytes + 32);

  std::array<uint8_t, kCiphertextBytes> ct;
  std::array<uint8_t, kSharedSecretBytes> k_sender, k_receiver, k_rejected;
  ct_secret(m.data(), m.size());
  if (!encapsulate(ek, m, ct, k_sender)) return 3;
  ct_public(ct.data(), ct.size());  // sent

  // Decaps with a fresh secret marking of ŝ and z, as a receiver holding dk.
  ct_secret(dk.data(), 1152);
  ct_secret(dk.data() + 1152 + kEncapsulationKeyBytes + 32, 32);
  if (!decapsulate(dk, ct, k_receiver)) return 4;

  // And the implicit-rejection path: a ciphertext that does not re-encrypt.
  ct[0] ^= 1;
  if (!decapsulate(dk, ct, k_rejected)) return 5;

  // The test's own comparisons: declared public only to check the results.
  ct_public(k_sender.data(), k_sender.size());
  ct_public(k_receiver.data(), k_receiver.size());
  ct_public(k_rejected.data(), k_rejected.size());
  if (k_sender != k_receiver) {
    std::fprintf(stderr, "decapsulate disagrees with encapsulate\n");
    return 1;
  }
  if (k_rejected == k_receiver) {
    std::fprintf(stderr, "a changed ciphertext gave the honest key\n");
    return 1;
  }
  return 0;
}
