// Schoolbook products (p = 761 makes them cheap enough for one encapsulation
// per key exchange) and reciprocals by constant-time divsteps (Bernstein and
// Yang, "Fast constant-time gcd computation and modular inversion", the
// polynomial case), as the NTRU Prime reference computes them.
#include "crypto/sntrup761_poly.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/sntrup761_field.h"

namespace lpsshd::crypto::sntrup761 {
namespace {

// Working arrays are padded with zeros to a multiple of 16 entries, so the
// inner loops have trip counts the compiler vectorizes without a scalar
// tail (g++ -O2 vectorizes only such loops). Padding never feeds back:
// every operation below moves information from lower to higher indices or
// keeps it in place, and only indices < p are read out.
constexpr int kPadded = 768;
static_assert(kPadded % 16 == 0 && kPadded >= kP + 1);

// The full product of two polynomials of degree < p, before reduction.
using Product = std::array<int32_t, 2 * kPadded>;

// Reduces mod x^p - x - 1 in place: x^i = x^(i-p+1) + x^(i-p) for i >= p.
// i - p + 1 <= p - 1, so one pass from any order suffices.
void fold(Product& product) {
  for (int i = kP; i < 2 * kP - 1; ++i) {
    product[i - kP] += product[i];
    product[i - kP + 1] += product[i];
  }
}

template <typename Coeff>
void mult_schoolbook(Product& product, const std::array<Coeff, kP>& a, const Small& b) {
  std::array<int32_t, kPadded> b_padded{};
  std::copy(b.begin(), b.end(), b_padded.begin());
  product.fill(0);
  for (int i = 0; i < kP; ++i) {
    const int32_t ai = a[i];
    int32_t* row = product.data() + i;
    for (int j = 0; j < kPadded; ++j) row[j] += ai * b_padded[j];
  }
  fold(product);
  sodium_memzero(b_padded.data(), sizeof b_padded);
}

template <typename Coeff>
void conditional_swap(Coeff& a, Coeff& b, int32_t mask) {
  const Coeff t = static_cast<Coeff>(mask & (a ^ b));
  a = static_cast<Coeff>(a ^ t);
  b = static_cast<Coeff>(b ^ t);
}

int8_t reciprocal_3(int8_t a) { return a; }  // 1 and -1 are their own

// Divsteps on the reversed polynomials. f starts as the reversed modulus
// x^p - x - 1, that is 1 - x^(p-1) - x^p, and g as the reversed input. Each
// step cancels g's constant term against f's (g = f0*g - g0*f; swapping f
// and g first when delta > 0 and g0 != 0) and divides g by x; v and r carry
// the same combinations of the cofactors, v shifted up once per step.
// After 2p-1 steps delta is 0 exactly when gcd(input, modulus) = 1, f is
// then a nonzero constant and v/f0, reversed, is scale/input.
template <typename Coeff, Coeff (*freeze)(int32_t), Coeff (*reciprocal)(Coeff)>
int32_t reciprocal_by_divsteps(std::array<Coeff, kP>& out, const Small& in, Coeff scale) {
  // One more zero entry above the padding for g's shift to read.
  std::array<Coeff, kPadded + 1> f{};
  std::array<Coeff, kPadded + 1> g{};
  std::array<Coeff, kPadded> v{};
  std::array<Coeff, kPadded> r{};
  f[0] = 1;
  f[kP - 1] = -1;
  f[kP] = -1;
  for (int i = 0; i < kP; ++i) g[kP - 1 - i] = in[i];
  r[0] = scale;
  int32_t delta = 1;
  for (int step = 0; step < 2 * kP - 1; ++step) {
    const int32_t swap = negative_mask(-delta) & nonzero_mask(g[0]);
    delta ^= swap & (delta ^ -delta);
    delta += 1;
    for (int i = 0; i < kPadded; ++i) conditional_swap(f[i], g[i], swap);
    const int32_t f0 = f[0];
    const int32_t g0 = g[0];
    // g = (f0*g - g0*f)/x: the new constant term is 0 and drops out.
    for (int i = 0; i < kPadded; ++i) g[i] = freeze(f0 * g[i + 1] - g0 * f[i + 1]);
    // v = x*v; then the same swap and combination on (v, r).
    std::copy_backward(v.begin(), v.end() - 1, v.end());
    v[0] = 0;
    for (int i = 0; i < kPadded; ++i) {
      conditional_swap(v[i], r[i], swap);
      r[i] = freeze(f0 * r[i] - g0 * v[i]);
    }
  }
  const int32_t inverse_f0 = reciprocal(f[0]);
  for (int i = 0; i < kP; ++i) out[i] = freeze(inverse_f0 * v[kP - 1 - i]);
  const int32_t result = nonzero_mask(delta);
  sodium_memzero(f.data(), sizeof f);
  sodium_memzero(g.data(), sizeof g);
  sodium_memzero(v.data(), sizeof v);
  sodium_memzero(r.data(), sizeof r);
  return result;
}

}  // namespace

void mult_r3(Small& out, const Small& a, const Small& b) {
  Product product;
  mult_schoolbook(product, a, b);
  for (int i = 0; i < kP; ++i) out[i] = freeze_3(product[i]);
  sodium_memzero(product.data(), sizeof product);
}

void mult_rq_small(Rq& out, const Rq& a, const Small& b) {
  Product product;
  mult_schoolbook(product, a, b);
  for (int i = 0; i < kP; ++i) out[i] = freeze_q(product[i]);
  sodium_memzero(product.data(), sizeof product);
}

void times3_rq(Rq& out, const Rq& a) {
  for (int i = 0; i < kP; ++i) out[i] = freeze_q(3 * a[i]);
}

void r3_from_rq(Small& out, const Rq& a) {
  for (int i = 0; i < kP; ++i) out[i] = freeze_3(a[i]);
}

int32_t reciprocal_r3(Small& out, const Small& a) {
  return reciprocal_by_divsteps<int8_t, freeze_3, reciprocal_3>(out, a, 1);
}

int32_t reciprocal3_rq(Rq& out, const Small& a) {
  return reciprocal_by_divsteps<int16_t, freeze_q, reciprocal_q>(out, a, reciprocal_q(3));
}

void round3(Rq& out, const Rq& a) {
  for (int i = 0; i < kP; ++i) out[i] = static_cast<int16_t>(a[i] - freeze_3(a[i]));
}

int32_t weight_w_mask(const Small& a) {
  int32_t weight = 0;
  for (int8_t c : a) weight += c & 1;
  return nonzero_mask(weight - kW);
}

}  // namespace lpsshd::crypto::sntrup761
