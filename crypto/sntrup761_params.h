// sntrup761's parameters and the two kinds of polynomial it computes with,
// shared by the arithmetic, the encodings and the KEM (NTRU Prime round-3
// specification, "Streamlined NTRU Prime", parameter set sntrup761).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace lpsshd::crypto::sntrup761 {

// The ring is Z[x]/(x^p - x - 1); q is the big modulus, w the weight of the
// short polynomials (f and the encapsulated r).
inline constexpr int kP = 761;
inline constexpr int kQ = 4591;
inline constexpr int kW = 286;
// Elements of Z/q are kept centred: -kHalfQ .. kHalfQ.
inline constexpr int kHalfQ = (kQ - 1) / 2;

// A "small" polynomial: coefficients -1, 0, 1 (index i is the coefficient
// of x^i). Short ones have exactly kW nonzero coefficients.
using Small = std::array<int8_t, kP>;
// An element of R/q, coefficients centred as above.
using Rq = std::array<int16_t, kP>;

// Byte sizes of the encodings (the specification's Small_bytes, Rq_bytes,
// Rounded_bytes and Hash_bytes).
inline constexpr size_t kSmallBytes = (kP + 3) / 4;  // 191: four per byte
inline constexpr size_t kRqBytes = 1158;
inline constexpr size_t kRoundedBytes = 1007;
inline constexpr size_t kHashBytes = 32;

}  // namespace lpsshd::crypto::sntrup761
