// The ctgrind technique: valgrind's memcheck reports a conditional jump or a
// memory address computed from undefined bytes. Marking secret inputs
// undefined turns "depends on a secret" into such a report, so a program run
// under `valgrind --error-exitcode=1` fails on any secret-dependent branch
// or table index. Outside valgrind these are no-ops.
#pragma once

#include <valgrind/memcheck.h>

#include <cstddef>

namespace lpsshd::test {

// From here on, anything derived from [p, p+n) is a secret.
inline void ct_secret(const void* p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }

// Declares [p, p+n) public: an output that is sent anyway (a public key, a
// ciphertext), or a value the list of declared exceptions names. Every call
// says which it is.
inline void ct_public(const void* p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }

inline bool under_valgrind() { return RUNNING_ON_VALGRIND != 0; }

}  // namespace lpsshd::test
