// ML-KEM's arithmetic pieces (crypto/mlkem_poly.h, mlkem_encoding.h,
// mlkem_sampling.h) against their definitions written the slow, obvious
// way: % for reduction, real division for Compress, schoolbook negacyclic
// multiplication for the NTT product.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "crypto/mlkem_encoding.h"
#include "crypto/mlkem_poly.h"
#include "crypto/mlkem_sampling.h"

using namespace lpsshd::crypto::mlkem;

namespace {

Poly random_poly(std::mt19937& rng) {
  Poly p;
  for (auto& c : p) c = static_cast<uint16_t>(rng() % kQ);
  return p;
}

// f·g in Z_q[X]/(X^256 + 1): X^256 = -1 wraps with a sign change.
Poly schoolbook(const Poly& f, const Poly& g) {
  std::array<int64_t, kN> h{};
  for (size_t i = 0; i < kN; ++i)
    for (size_t j = 0; j < kN; ++j) {
      const int64_t p = int64_t{f[i]} * g[j];
      if (i + j < kN) h[i + j] += p;
      else h[i + j - kN] -= p;
    }
  Poly out;
  for (size_t i = 0; i < kN; ++i) out[i] = static_cast<uint16_t>(((h[i] % kQ) + kQ) % kQ);
  return out;
}

}  // namespace

TEST(MlKemArithmetic, ReduceMatchesModulo) {
  for (uint32_t a = 0; a < (1u << 24); ++a) ASSERT_EQ(reduce(a), a % kQ) << a;
  std::mt19937 rng(1);
  for (int i = 0; i < 1000000; ++i) {
    const uint32_t a = static_cast<uint32_t>(rng());
    ASSERT_EQ(reduce(a), a % kQ) << a;
  }
  EXPECT_EQ(reduce(0xffffffffu), 0xffffffffu % kQ);
}

// Every x < q and every d the code may see: the multiply-shift quotient in
// compress() equals round(2^d·x / q) mod 2^d computed with a division.
TEST(MlKemArithmetic, CompressExhaustive) {
  for (unsigned d = 1; d <= 11; ++d) {
    for (uint32_t x = 0; x < kQ; ++x) {
      const uint32_t expected = ((x << (d + 1)) + kQ) / (2 * kQ) % (1u << d);
      ASSERT_EQ(compress(d, static_cast<uint16_t>(x)), expected) << "d=" << d << " x=" << x;
    }
    for (uint32_t y = 0; y < (1u << d); ++y) {
      const uint32_t expected = (2 * y * kQ + (1u << d)) / (2u << d);
      ASSERT_EQ(decompress(d, static_cast<uint16_t>(y)), expected) << "d=" << d << " y=" << y;
      // Compress undoes Decompress (FIPS 203 §4.2.1).
      ASSERT_EQ(compress(d, decompress(d, static_cast<uint16_t>(y))), y);
    }
  }
  EXPECT_EQ(compress(1, 832), 0);
  EXPECT_EQ(compress(1, 833), 1);
  EXPECT_EQ(compress(1, 2496), 1);
  EXPECT_EQ(compress(1, 2497), 0);
}

TEST(MlKemArithmetic, NttRoundTripAndProduct) {
  std::mt19937 rng(2);
  for (int round = 0; round < 10; ++round) {
    const Poly f = random_poly(rng), g = random_poly(rng);
    Poly fh = f, gh = g;
    ntt(fh);
    ntt(gh);
    Poly back = fh;
    inverse_ntt(back);
    ASSERT_EQ(back, f);
    Poly h = multiply_ntts(fh, gh);
    inverse_ntt(h);
    ASSERT_EQ(h, schoolbook(f, g));
  }
}

TEST(MlKemArithmetic, ByteEncodeDecodeRoundTrip) {
  std::mt19937 rng(3);
  for (unsigned d : {1u, 4u, 10u, 11u, 12u}) {
    Poly f;
    for (auto& c : f) c = static_cast<uint16_t>(rng() % (d == 12 ? kQ : 1u << d));
    std::vector<uint8_t> bytes(encoded_bytes(d));
    byte_encode(d, f, bytes);
    EXPECT_EQ(byte_decode(d, bytes), f) << d;
  }
  // Bit order: coefficient 0 takes the least significant bits of byte 0.
  Poly one{};
  one[0] = 1;
  one[1] = 0xabc;
  std::vector<uint8_t> bytes(encoded_bytes(12));
  byte_encode(12, one, bytes);
  EXPECT_EQ(bytes[0], 0x01);
  EXPECT_EQ(bytes[1], 0xc0);
  EXPECT_EQ(bytes[2], 0xab);
  // 12-bit values >= q decode reduced: 0xfff -> 4095 - q.
  std::vector<uint8_t> ones(encoded_bytes(12), 0xff);
  EXPECT_EQ(byte_decode(12, ones)[0], 4095 - kQ);
}

// Every nibble value: x - y with x, y the popcounts of its two bit pairs.
TEST(MlKemArithmetic, CbdEta2) {
  std::array<uint8_t, kCbdInputBytes> in;
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i);  // nibbles 0..15 repeat
  Poly f;
  sample_poly_cbd_eta2(in, f);
  for (size_t i = 0; i < kN; ++i) {
    const unsigned nibble = (in[i / 2] >> (4 * (i % 2))) & 15;
    const int x = (nibble & 1) + ((nibble >> 1) & 1), y = ((nibble >> 2) & 1) + ((nibble >> 3) & 1);
    ASSERT_EQ(f[i], (x - y + kQ) % kQ) << i;
  }
}
