// FIPS 203 §4.1: G, H, J and PRF_η. SHA3-256 and SHA3-512 are nettle's;
// SHAKE256 is crypto/keccak_xof.h (nettle's cannot be fed in two parts and
// squeezed for 128 bytes without the same code anyway).
#include <nettle/sha3.h>
#include <sodium.h>

#include "crypto/keccak_xof.h"
#include "crypto/mlkem768_internal.h"
#include "crypto/mlkem_sampling.h"
#include "crypto/scoped_wipe.h"

namespace lpsshd::crypto::mlkem768 {

std::array<uint8_t, 64> hash_g(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  sha3_512_ctx ctx;
  const ScopedWipe wipe_ctx(ctx);
  sha3_512_init(&ctx);
  sha3_512_update(&ctx, a.size(), a.data());
  sha3_512_update(&ctx, b.size(), b.data());
  std::array<uint8_t, 64> out;
  sha3_512_digest(&ctx, out.size(), out.data());
  return out;
}

std::array<uint8_t, 32> hash_h(std::span<const uint8_t> in) {
  sha3_256_ctx ctx;
  const ScopedWipe wipe_ctx(ctx);
  sha3_256_init(&ctx);
  sha3_256_update(&ctx, in.size(), in.data());
  std::array<uint8_t, 32> out;
  sha3_256_digest(&ctx, out.size(), out.data());
  return out;
}

std::array<uint8_t, 32> hash_j(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  Shake256 xof;
  xof.absorb(a);
  xof.absorb(b);
  std::array<uint8_t, 32> out;
  xof.squeeze(out);
  return out;
}

void sample_noise(std::span<const uint8_t, 32> seed, uint8_t n, mlkem::Poly& f) {
  std::array<uint8_t, mlkem::kCbdInputBytes> prf;
  const ScopedWipe wipe_prf(prf);
  Shake256 xof;
  xof.absorb(seed);
  xof.absorb(std::span<const uint8_t>(&n, 1));
  xof.squeeze(prf);
  mlkem::sample_poly_cbd_eta2(prf, f);
}

PolyVec sample_noise_vector(std::span<const uint8_t, 32> seed, uint8_t first) {
  PolyVec v;
  for (size_t i = 0; i < kK; ++i) sample_noise(seed, static_cast<uint8_t>(first + i), v[i]);
  return v;
}

}  // namespace lpsshd::crypto::mlkem768
