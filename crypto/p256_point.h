// NIST P-256 points and scalars as SSH carries them (RFC 5656 3.1 and 4):
// a point is the 65-byte uncompressed SEC1 form 0x04 || X || Y, a scalar
// 32 bytes big-endian. Shared by ecdh-sha2-nistp256 and ecdsa-sha2-nistp256.
// nettle's ecc objects are wrapped so that every path frees them and private
// scalars are wiped first.
#pragma once

#include <nettle/ecc.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/secret.h"

namespace lpsshd::crypto {

inline constexpr size_t kP256CoordinateBytes = 32;
inline constexpr size_t kP256PointBytes = 1 + 2 * kP256CoordinateBytes;
inline constexpr size_t kP256ScalarBytes = 32;
using P256PointBytes = std::array<uint8_t, kP256PointBytes>;

const ecc_curve* p256_curve();

class P256Point {
 public:
  P256Point() { ecc_point_init(&p_, p256_curve()); }
  P256Point(const P256Point&) = delete;
  P256Point& operator=(const P256Point&) = delete;
  ~P256Point() { ecc_point_clear(&p_); }
  ecc_point* get() { return &p_; }
  const ecc_point* get() const { return &p_; }

  // Sets the point from its SSH encoding (ec_point_set: 65 bytes 0x04 ||
  // X || Y, coordinates below the field prime, on the curve). False and
  // the point unusable otherwise.
  bool decode(std::span<const uint8_t> bytes);
  P256PointBytes encode() const;

 private:
  ecc_point p_;
};

class P256Scalar {
 public:
  P256Scalar() { ecc_scalar_init(&s_, p256_curve()); }
  P256Scalar(const P256Scalar&) = delete;
  P256Scalar& operator=(const P256Scalar&) = delete;
  ~P256Scalar();
  ecc_scalar* get() { return &s_; }
  const ecc_scalar* get() const { return &s_; }

  // False unless bytes is 32 bytes big-endian in [1, n-1] (n the group order).
  bool set(std::span<const uint8_t> bytes);
  void random();
  SecretBytes bytes() const;

 private:
  ecc_scalar s_;
};

}  // namespace lpsshd::crypto
