#include "crypto/mlkem_poly.h"

namespace lpsshd::crypto::mlkem {

namespace {

constexpr uint8_t bit_reverse7(uint8_t i) {
  uint8_t r = 0;
  for (int b = 0; b < 7; ++b) r = static_cast<uint8_t>(r | (((i >> b) & 1) << (6 - b)));
  return r;
}

constexpr uint16_t power17(unsigned e) {
  uint32_t r = 1;
  for (unsigned k = 0; k < e; ++k) r = r * 17 % kQ;
  return static_cast<uint16_t>(r);
}

// ζ^BitRev7(i) for the butterflies, ζ^(2·BitRev7(i)+1) for the base-case
// products, ζ = 17 (the primitive 256th root of unity mod q). Computed by the
// compiler from the definition rather than typed in.
constexpr std::array<uint16_t, 128> kZetas = [] {
  std::array<uint16_t, 128> z{};
  for (unsigned i = 0; i < 128; ++i) z[i] = power17(bit_reverse7(static_cast<uint8_t>(i)));
  return z;
}();

constexpr std::array<uint16_t, 128> kGammas = [] {
  std::array<uint16_t, 128> g{};
  for (unsigned i = 0; i < 128; ++i) g[i] = power17(2u * bit_reverse7(static_cast<uint8_t>(i)) + 1);
  return g;
}();

static_assert(kZetas[1] == 1729 && kGammas[0] == 17 && kGammas[1] == kQ - 17);

// 128^-1 mod q: the scaling that ends the inverse NTT.
constexpr uint16_t kInverse128 = 3303;
static_assert(uint32_t{kInverse128} * 128 % kQ == 1);

}  // namespace

void ntt(Poly& f) {
  size_t i = 1;
  for (size_t len = 128; len >= 2; len /= 2) {
    for (size_t start = 0; start < kN; start += 2 * len) {
      const uint16_t zeta = kZetas[i++];
      for (size_t j = start; j < start + len; ++j) {
        const uint16_t t = mul_mod(zeta, f[j + len]);
        f[j + len] = sub_mod(f[j], t);
        f[j] = add_mod(f[j], t);
      }
    }
  }
}

void inverse_ntt(Poly& f) {
  size_t i = 127;
  for (size_t len = 2; len <= 128; len *= 2) {
    for (size_t start = 0; start < kN; start += 2 * len) {
      const uint16_t zeta = kZetas[i--];
      for (size_t j = start; j < start + len; ++j) {
        const uint16_t t = f[j];
        f[j] = add_mod(t, f[j + len]);
        f[j + len] = mul_mod(zeta, sub_mod(f[j + len], t));
      }
    }
  }
  for (uint16_t& c : f) c = mul_mod(c, kInverse128);
}

// Algorithm 12 for each of the 128 degree-one factors X^2 - γ_i.
void multiply_ntts_add(Poly& h, const Poly& f, const Poly& g) {
  for (size_t i = 0; i < 128; ++i) {
    const uint32_t a0 = f[2 * i], a1 = f[2 * i + 1], b0 = g[2 * i], b1 = g[2 * i + 1];
    // a1·b1·γ is reduced once in between: a1·b1 < q² and q³ would not fit.
    const uint32_t c0 = a0 * b0 + uint32_t{mul_mod(reduce(a1 * b1), kGammas[i])};
    const uint32_t c1 = a0 * b1 + a1 * b0;
    h[2 * i] = reduce(h[2 * i] + c0);
    h[2 * i + 1] = reduce(h[2 * i + 1] + c1);
  }
}

Poly multiply_ntts(const Poly& f, const Poly& g) {
  Poly h{};
  multiply_ntts_add(h, f, g);
  return h;
}

void poly_add(Poly& f, const Poly& g) {
  for (size_t i = 0; i < kN; ++i) f[i] = add_mod(f[i], g[i]);
}

void poly_sub(Poly& f, const Poly& g) {
  for (size_t i = 0; i < kN; ++i) f[i] = sub_mod(f[i], g[i]);
}

}  // namespace lpsshd::crypto::mlkem
