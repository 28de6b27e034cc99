// ML-KEM-768 encapsulation keys from the client (crypto/mlkem768.h): hostile
// bytes of any length. Beyond "never crashes": encapsulation_key_valid()
// accepts exactly the 1184-byte keys whose every 12-bit coefficient is < q
// (checked here against a direct reading of the bytes); encapsulate()
// refuses what the check refuses, writing nothing, and succeeds on what it
// accepts, deterministically for a fixed m (the dk that would decapsulate is
// unknown here, so agreement is the unit tests' job).
#include <algorithm>
#include <array>
#include <cstdlib>

#include "crypto/mlkem768.h"

using namespace lpsshd::crypto::mlkem768;

namespace {

bool coefficients_below_q(const uint8_t* ek) {
  for (size_t i = 0; i + 3 <= 1152; i += 3) {
    const unsigned a = ek[i] | ((ek[i + 1] & 0x0f) << 8);
    const unsigned b = (ek[i + 1] >> 4) | (ek[i + 2] << 4);
    if (a >= 3329 || b >= 3329) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool valid = encapsulation_key_valid(std::span(data, size));
  if (valid != (size == kEncapsulationKeyBytes && coefficients_below_q(data))) abort();
  if (size != kEncapsulationKeyBytes) return 0;

  const std::span<const uint8_t, kEncapsulationKeyBytes> ek(data, size);
  std::array<uint8_t, kSeedBytes> m;
  m.fill(0x17);
  std::array<uint8_t, kCiphertextBytes> ct, again;
  std::array<uint8_t, kSharedSecretBytes> k, k_again;
  ct.fill(0x5a);
  k.fill(0x5a);
  const bool encapsulated = encapsulate(ek, m, ct, k);
  if (encapsulated != valid) abort();
  if (!valid) {
    // Refused: nothing written.
    if (std::any_of(ct.begin(), ct.end(), [](uint8_t b) { return b != 0x5a; }) ||
        std::any_of(k.begin(), k.end(), [](uint8_t b) { return b != 0x5a; }))
      abort();
    return 0;
  }
  // Encaps_internal is a function of (ek, m).
  if (!encapsulate(ek, m, again, k_again) || again != ct || k_again != k) abort();
  return 0;
}
