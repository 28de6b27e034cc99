// The specification's Encode/Decode: a list of digits R[i] < M[i] is packed
// by combining neighbours pairwise into one digit of radix M[i]*M[i+1],
// writing out its low bytes while that radix is at least 2^14, and
// recursing on the half-length list; the last digit goes out in as many
// bytes as its radix needs. Decode reads the same bytes in the same order
// (a level's low bytes first, then the level above) and splits each pair
// again. The radices are public, so every loop bound and byte position
// depends only on them.
#include "crypto/sntrup761_encoding.h"

#include <sodium.h>

#include <array>

#include "crypto/sntrup761_field.h"

namespace lpsshd::crypto::sntrup761 {
namespace {

constexpr int kMaxHalf = (kP + 1) / 2;
constexpr uint32_t kTwo14 = 16384;
// sntrup761's radix for a rounded coefficient: the multiples of 3 in
// -kHalfQ..kHalfQ are (q+2)/3 = 1531.
constexpr uint16_t kRoundedRadix = (kQ + 2) / 3;

// Appends the digits' bytes to out at `at`; returns the position after them.
size_t encode_digits(std::span<uint8_t> out, size_t at, std::span<const uint16_t> digits,
                     std::span<const uint16_t> radices) {
  const size_t len = digits.size();
  if (len == 1) {
    uint32_t r = digits[0];
    for (uint32_t m = radices[0]; m > 1; m = (m + 255) >> 8) {
      out[at++] = static_cast<uint8_t>(r);
      r >>= 8;
    }
    return at;
  }
  std::array<uint16_t, kMaxHalf> upper_digits{};
  std::array<uint16_t, kMaxHalf> upper_radices{};
  size_t i = 0;
  for (; i + 1 < len; i += 2) {
    uint32_t r = digits[i] + uint32_t{digits[i + 1]} * radices[i];
    uint32_t m = uint32_t{radices[i]} * radices[i + 1];
    while (m >= kTwo14) {
      out[at++] = static_cast<uint8_t>(r);
      r >>= 8;
      m = (m + 255) >> 8;
    }
    upper_digits[i / 2] = static_cast<uint16_t>(r);
    upper_radices[i / 2] = static_cast<uint16_t>(m);
  }
  if (i < len) {
    upper_digits[i / 2] = digits[i];
    upper_radices[i / 2] = radices[i];
  }
  const size_t half = (len + 1) / 2;
  at = encode_digits(out, at, std::span(upper_digits).first(half),
                     std::span(upper_radices).first(half));
  sodium_memzero(upper_digits.data(), sizeof upper_digits);
  return at;
}

// Reads the digits from in at `at`; returns the position after them. Every
// digit comes out below its radix whatever the bytes are.
size_t decode_digits(std::span<uint16_t> digits, std::span<const uint8_t> in, size_t at,
                     std::span<const uint16_t> radices) {
  const size_t len = digits.size();
  if (len == 1) {
    const uint32_t m = radices[0];
    if (m == 1) {
      digits[0] = 0;
    } else if (m <= 256) {
      digits[0] = static_cast<uint16_t>(divmod_u14(in[at++], m).remainder);
    } else {
      const uint32_t r = in[at] | uint32_t{in[at + 1]} << 8;
      at += 2;
      digits[0] = static_cast<uint16_t>(divmod_u14(r, m).remainder);
    }
    return at;
  }
  // Each pair's low bytes (0, 1 or 2, as encode wrote them) and what they
  // are worth relative to the pair's upper digit.
  std::array<uint16_t, kMaxHalf> low_bytes{};
  std::array<uint32_t, kMaxHalf> low_span{};
  std::array<uint16_t, kMaxHalf> upper_digits{};
  std::array<uint16_t, kMaxHalf> upper_radices{};
  size_t i = 0;
  for (; i + 1 < len; i += 2) {
    const uint32_t m = uint32_t{radices[i]} * radices[i + 1];
    if (m > 256 * (kTwo14 - 1)) {
      low_span[i / 2] = 256 * 256;
      low_bytes[i / 2] = static_cast<uint16_t>(in[at] | uint32_t{in[at + 1]} << 8);
      at += 2;
      upper_radices[i / 2] = static_cast<uint16_t>((((m + 255) >> 8) + 255) >> 8);
    } else if (m >= kTwo14) {
      low_span[i / 2] = 256;
      low_bytes[i / 2] = in[at++];
      upper_radices[i / 2] = static_cast<uint16_t>((m + 255) >> 8);
    } else {
      low_span[i / 2] = 1;
      low_bytes[i / 2] = 0;
      upper_radices[i / 2] = static_cast<uint16_t>(m);
    }
  }
  if (i < len) upper_radices[i / 2] = radices[i];
  const size_t half = (len + 1) / 2;
  at = decode_digits(std::span(upper_digits).first(half), in, at,
                     std::span<const uint16_t>(upper_radices).first(half));
  for (i = 0; i + 1 < len; i += 2) {
    const uint32_t pair = low_bytes[i / 2] + low_span[i / 2] * upper_digits[i / 2];
    const QuotientRemainder split = divmod_u14(pair, radices[i]);
    digits[i] = static_cast<uint16_t>(split.remainder);
    // Only a forged encoding makes the upper part reach radices[i+1].
    digits[i + 1] = static_cast<uint16_t>(divmod_u14(split.quotient, radices[i + 1]).remainder);
  }
  if (i < len) digits[i] = upper_digits[i / 2];
  return at;
}

void encode_all(std::span<uint8_t> out, const std::array<uint16_t, kP>& digits, uint16_t radix) {
  std::array<uint16_t, kP> radices;
  radices.fill(radix);
  const size_t written = encode_digits(out, 0, digits, radices);
  if (written != out.size()) __builtin_trap();  // the sizes are constants: a bug here
}

void decode_all(std::array<uint16_t, kP>& digits, std::span<const uint8_t> in, uint16_t radix) {
  std::array<uint16_t, kP> radices;
  radices.fill(radix);
  const size_t read = decode_digits(digits, in, 0, radices);
  if (read != in.size()) __builtin_trap();
}

}  // namespace

QuotientRemainder divmod_u14(uint32_t x, uint32_t m) {
  // Two Barrett steps with v = floor(2^31/m) leave x <= m (each step's
  // quotient estimate is at most one short relative to x*m/2^31), then
  // one masked subtraction. m is a public radix; only x is data.
  const uint64_t v = (uint64_t{1} << 31) / m;
  uint32_t quotient = 0;
  for (int step = 0; step < 2; ++step) {
    const uint32_t part = static_cast<uint32_t>((x * v) >> 31);
    x -= part * m;
    quotient += part;
  }
  const int32_t below = negative_mask(static_cast<int32_t>(x - m));  // -1 if x < m
  x = x - m + (m & static_cast<uint32_t>(below));
  quotient += 1 + static_cast<uint32_t>(below);
  return {quotient, x};
}

void encode_rq(std::span<uint8_t, kRqBytes> out, const Rq& a) {
  std::array<uint16_t, kP> digits;
  for (int i = 0; i < kP; ++i) digits[i] = static_cast<uint16_t>(a[i] + kHalfQ);
  encode_all(out, digits, kQ);
}

void decode_rq(Rq& out, std::span<const uint8_t, kRqBytes> in) {
  std::array<uint16_t, kP> digits;
  decode_all(digits, in, kQ);
  for (int i = 0; i < kP; ++i) out[i] = static_cast<int16_t>(digits[i] - kHalfQ);
}

void encode_rounded(std::span<uint8_t, kRoundedBytes> out, const Rq& a) {
  std::array<uint16_t, kP> digits;
  // (a + kHalfQ)/3 for a multiple of 3 up to 2*kHalfQ: 10923/2^15 exceeds
  // 1/3 by less than 1/(3*2^15), too little to carry 4590/3 past the next
  // integer. (A multiplication, not a divide instruction, at any -O level.)
  for (int i = 0; i < kP; ++i) digits[i] = static_cast<uint16_t>(((a[i] + kHalfQ) * 10923) >> 15);
  encode_all(out, digits, kRoundedRadix);
  sodium_memzero(digits.data(), sizeof digits);
}

void decode_rounded(Rq& out, std::span<const uint8_t, kRoundedBytes> in) {
  std::array<uint16_t, kP> digits;
  decode_all(digits, in, kRoundedRadix);
  for (int i = 0; i < kP; ++i) out[i] = static_cast<int16_t>(digits[i] * 3 - kHalfQ);
}

void encode_small(std::span<uint8_t, kSmallBytes> out, const Small& a) {
  for (int i = 0; i < kP / 4; ++i) {
    uint32_t byte = 0;
    for (int j = 0; j < 4; ++j) byte |= static_cast<uint32_t>(a[4 * i + j] + 1) << (2 * j);
    out[i] = static_cast<uint8_t>(byte);
  }
  out[kP / 4] = static_cast<uint8_t>(a[kP - 1] + 1);
}

void decode_small(Small& out, std::span<const uint8_t, kSmallBytes> in) {
  for (int i = 0; i < kP / 4; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<int8_t>(((in[i] >> (2 * j)) & 3) - 1);
  }
  out[kP - 1] = static_cast<int8_t>((in[kP / 4] & 3) - 1);
}

}  // namespace lpsshd::crypto::sntrup761
