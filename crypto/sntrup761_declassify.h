// The one value sntrup761 declares public although it is computed from
// secrets: whether a candidate g was invertible mod 3 (key generation draws
// again if not; the rejected g is discarded). In the build of
// tests/ctgrind_sntrup761 (LPSSHD_CTGRIND) this tells valgrind so, which
// keeps the check of every other value strict; elsewhere it is nothing.
#pragma once

#include <cstddef>

#ifdef LPSSHD_CTGRIND
#include <valgrind/memcheck.h>
#endif

namespace lpsshd::crypto::sntrup761 {

inline void declassify(const void* p, size_t n) {
#ifdef LPSSHD_CTGRIND
  VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p;
  (void)n;
#endif
}

}  // namespace lpsshd::crypto::sntrup761
