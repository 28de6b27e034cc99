// K-PKE (FIPS 203 §5), the public-key encryption inside ML-KEM, and the
// vector and matrix pieces it is made of.
#include <algorithm>

#include "crypto/constant_time.h"
#include "crypto/mlkem768_internal.h"
#include "crypto/mlkem_encoding.h"
#include "crypto/mlkem_sampling.h"
#include "crypto/scoped_wipe.h"

namespace lpsshd::crypto::mlkem768 {

using mlkem::Poly;

Matrix expand_matrix(std::span<const uint8_t, 32> rho) {
  Matrix a;
  std::array<uint8_t, 34> seed;
  std::copy(rho.begin(), rho.end(), seed.begin());
  for (size_t i = 0; i < kK; ++i) {
    for (size_t j = 0; j < kK; ++j) {
      seed[32] = static_cast<uint8_t>(j);
      seed[33] = static_cast<uint8_t>(i);
      a[i][j] = mlkem::sample_ntt(seed);
    }
  }
  return a;
}

PolyVec matrix_times_vector(const Matrix& a, const PolyVec& v, bool transposed) {
  PolyVec out;
  for (size_t i = 0; i < kK; ++i) {
    out[i] = Poly{};
    for (size_t j = 0; j < kK; ++j) {
      const Poly& entry = transposed ? a[j][i] : a[i][j];
      mlkem::multiply_ntts_add(out[i], entry, v[j]);
    }
  }
  return out;
}

Poly inner_product(const PolyVec& u, const PolyVec& v) {
  Poly out{};
  for (size_t i = 0; i < kK; ++i) mlkem::multiply_ntts_add(out, u[i], v[i]);
  return out;
}

void ntt_vector(PolyVec& v) {
  for (Poly& p : v) mlkem::ntt(p);
}

void encode_vector(const PolyVec& v, std::span<uint8_t, kVectorBytes> out) {
  for (size_t i = 0; i < kK; ++i) mlkem::byte_encode(12, v[i], out.subspan(i * kPolyBytes, kPolyBytes));
}

PolyVec decode_vector(std::span<const uint8_t, kVectorBytes> in) {
  PolyVec v;
  for (size_t i = 0; i < kK; ++i) v[i] = mlkem::byte_decode(12, in.subspan(i * kPolyBytes, kPolyBytes));
  return v;
}

// Algorithm 13.
void kpke_keygen(std::span<const uint8_t, kSeedBytes> d,
                 std::span<uint8_t, kEncapsulationKeyBytes> ek,
                 std::span<uint8_t, kVectorBytes> dk) {
  const uint8_t k = kK;
  std::array<uint8_t, 64> rho_sigma = hash_g(d, std::span<const uint8_t>(&k, 1));
  const ScopedWipe wipe_rho_sigma(rho_sigma);
  const auto rho = std::span<const uint8_t, 64>(rho_sigma).first<32>();
  // ρ comes from the secret d but is published in ek: public from here on,
  // which SampleNTT's rejection loop needs.
  declassify(rho.data(), rho.size());
  kpke_keygen_from_seeds(rho, std::span<const uint8_t, 64>(rho_sigma).last<32>(), ek, dk);
}

// Algorithm 13 from line 2 on.
void kpke_keygen_from_seeds(std::span<const uint8_t, 32> rho, std::span<const uint8_t, 32> sigma,
                            std::span<uint8_t, kEncapsulationKeyBytes> ek,
                            std::span<uint8_t, kVectorBytes> dk) {
  const Matrix a = expand_matrix(rho);
  PolyVec s = sample_noise_vector(sigma, 0);
  const ScopedWipe wipe_s(s);
  PolyVec e = sample_noise_vector(sigma, kK);
  const ScopedWipe wipe_e(e);
  ntt_vector(s);
  ntt_vector(e);
  PolyVec t = matrix_times_vector(a, s, false);
  for (size_t i = 0; i < kK; ++i) mlkem::poly_add(t[i], e[i]);

  encode_vector(t, ek.first<kVectorBytes>());
  std::copy(rho.begin(), rho.end(), ek.begin() + kVectorBytes);
  encode_vector(s, dk);
}

// Algorithm 14. ek has passed the modulus check (ML-KEM's input check);
// byte_decode reduces mod q regardless.
void kpke_encrypt(std::span<const uint8_t, kEncapsulationKeyBytes> ek,
                  std::span<const uint8_t, 32> m, std::span<const uint8_t, 32> r,
                  std::span<uint8_t, kCiphertextBytes> c) {
  const PolyVec t = decode_vector(ek.first<kVectorBytes>());
  const Matrix a = expand_matrix(ek.last<32>());

  PolyVec y = sample_noise_vector(r, 0);
  const ScopedWipe wipe_y(y);
  PolyVec e1 = sample_noise_vector(r, kK);
  const ScopedWipe wipe_e1(e1);
  Poly e2;
  const ScopedWipe wipe_e2(e2);
  sample_noise(r, 2 * kK, e2);
  ntt_vector(y);

  PolyVec u = matrix_times_vector(a, y, true);
  const ScopedWipe wipe_u(u);
  for (size_t i = 0; i < kK; ++i) {
    mlkem::inverse_ntt(u[i]);
    mlkem::poly_add(u[i], e1[i]);
  }
  Poly mu = mlkem::byte_decode(1, m);
  const ScopedWipe wipe_mu(mu);
  mlkem::decompress_poly(1, mu);
  Poly v = inner_product(t, y);
  const ScopedWipe wipe_v(v);
  mlkem::inverse_ntt(v);
  mlkem::poly_add(v, e2);
  mlkem::poly_add(v, mu);

  for (size_t i = 0; i < kK; ++i) {
    mlkem::compress_poly(kDu, u[i]);
    mlkem::byte_encode(kDu, u[i], c.subspan(i * 32 * kDu, 32 * kDu));
  }
  mlkem::compress_poly(kDv, v);
  mlkem::byte_encode(kDv, v, c.last<kC2Bytes>());
}

// Algorithm 15.
void kpke_decrypt(std::span<const uint8_t, kVectorBytes> dk,
                  std::span<const uint8_t, kCiphertextBytes> c, std::span<uint8_t, 32> m) {
  PolyVec u;
  for (size_t i = 0; i < kK; ++i) {
    u[i] = mlkem::byte_decode(kDu, c.subspan(i * 32 * kDu, 32 * kDu));
    mlkem::decompress_poly(kDu, u[i]);
  }
  ntt_vector(u);
  Poly v = mlkem::byte_decode(kDv, c.last<kC2Bytes>());
  mlkem::decompress_poly(kDv, v);
  PolyVec s = decode_vector(dk);
  const ScopedWipe wipe_s(s);

  Poly su = inner_product(s, u);
  const ScopedWipe wipe_su(su);
  mlkem::inverse_ntt(su);
  Poly w = v;  // w = v' - NTT^-1(ŝᵀ ∘ NTT(u'))
  const ScopedWipe wipe_w(w);
  mlkem::poly_sub(w, su);
  mlkem::compress_poly(1, w);
  mlkem::byte_encode(1, w, m);
}

}  // namespace lpsshd::crypto::mlkem768
