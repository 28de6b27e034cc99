// Two tools for code that must not branch or index on secrets.
//
// value_barrier(): the optimizer cannot see through it, so it cannot turn a
// mask-and-select built from a secret back into a conditional jump (gcc and
// clang do that to "x & mask | y & ~mask" patterns they recognise).
//
// declassify(): says that bytes derived from secrets are public by design:
// ML-KEM's matrix seed ρ (hashed from the secret d, then published in the
// encapsulation key) and sntrup761's "g was not invertible, draw again" (the
// rejected g is discarded). These are the only two. It is a no-op, except in the
// copy of the code built for the constant-time test (LPSSHD_CTGRIND), where
// it tells valgrind the bytes are defined: the only place that test lets
// secret-derived data steer a branch, and it is named in the code.
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef LPSSHD_CTGRIND
#include <valgrind/memcheck.h>
#endif

namespace lpsshd::crypto {

template <typename T>
inline T value_barrier(T x) {
  __asm__("" : "+r"(x));
  return x;
}

inline void declassify(const void* p, size_t n) {
#ifdef LPSSHD_CTGRIND
  VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p;
  (void)n;
#endif
}

}  // namespace lpsshd::crypto
