// sntrup761 is constant time: run under valgrind (ctest -L ctgrind), every
// random byte the KEM draws is marked secret, so a branch or a memory index
// computed from f, g, rho, r, the secret key or a shared secret is a
// memcheck error and the run fails.
//
// Declared public, and nothing else:
//  - the public key and the ciphertext, once produced: they are sent;
//  - whether a candidate g was invertible mod 3 (key generation retries
//    otherwise): crypto/constant_time.h, compiled in with
//    LPSSHD_CTGRIND for this program only;
//  - the test's own verdicts (two shared secrets equal or not), after a
//    constant-time comparison.
#include <sodium.h>

#include <array>
#include <cstdio>

#include "crypto/sntrup761.h"
#include "tests/support/ctgrind.h"

namespace {

using namespace lpsshd::crypto::sntrup761;
using lpsshd::test::ct_public;
using lpsshd::test::ct_secret;

void secret_random(std::span<uint8_t> out, void*) {
  randombytes_buf(out.data(), out.size());
  ct_secret(out.data(), out.size());
}

// A verdict on secrets, computed in constant time, then declared public.
bool same_secret(std::span<const uint8_t, kSharedSecretBytes> a,
                 std::span<const uint8_t, kSharedSecretBytes> b) {
  int differ = sodium_memcmp(a.data(), b.data(), kSharedSecretBytes);
  ct_public(&differ, sizeof differ);
  return differ == 0;
}

}  // namespace

int main() {
  if (sodium_init() < 0) return 2;
  if (!lpsshd::test::under_valgrind()) {
    std::fprintf(stderr, "note: not under valgrind, so nothing is checked\n");
  }
  for (int round = 0; round < 2; ++round) {
    std::array<uint8_t, kPublicKeyBytes> pk;
    std::array<uint8_t, kSecretKeyBytes> sk;
    keygen(pk, sk, secret_random);
    ct_public(pk.data(), pk.size());  // sent to the peer

    std::array<uint8_t, kCiphertextBytes> ct;
    std::array<uint8_t, kSharedSecretBytes> sent;
    encapsulate(pk, ct, sent, secret_random);
    ct_public(ct.data(), ct.size());  // sent to the peer

    std::array<uint8_t, kSharedSecretBytes> received;
    decapsulate(sk, ct, received);
    if (!same_secret(sent, received)) {
      std::fprintf(stderr, "FAIL: decapsulation disagrees\n");
      return 1;
    }

    // The implicit-rejection path: a forged ciphertext (public).
    ct[7] ^= 1;
    std::array<uint8_t, kSharedSecretBytes> rejected;
    decapsulate(sk, ct, rejected);
    if (same_secret(sent, rejected)) {
      std::fprintf(stderr, "FAIL: a forged ciphertext gave the real key\n");
      return 1;
    }
  }
  std::puts("ctgrind_sntrup761: done");
  return 0;
}
