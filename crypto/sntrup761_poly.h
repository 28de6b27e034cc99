// Polynomial arithmetic of sntrup761 in R/3 and R/q, R = Z[x]/(x^p - x - 1):
// products, reciprocals, rounding and the weight check. Constant time: the
// loops and indices depend only on p, never on coefficients.
#pragma once

#include <cstdint>

#include "crypto/sntrup761_params.h"

namespace lpsshd::crypto::sntrup761 {

// a*b in R/3.
void mult_r3(Small& out, const Small& a, const Small& b);

// a*b in R/q, b small.
void mult_rq_small(Rq& out, const Rq& a, const Small& b);

// 3*a in R/q.
void times3_rq(Rq& out, const Rq& a);

// The coefficients of a reduced mod 3 (the specification's R3_fromRq).
void r3_from_rq(Small& out, const Rq& a);

// 1/a in R/3. Returns 0 when a is invertible, -1 when it is not (and out is
// then meaningless). The return value depends on a; it is the one value
// key generation declares public (it only says whether to draw again).
int32_t reciprocal_r3(Small& out, const Small& a);

// 1/(3a) in R/q, a small. Returns 0 when invertible, else -1; every short a
// (weight w) is invertible for sntrup761's prime q, so key generation never
// looks at it.
int32_t reciprocal3_rq(Rq& out, const Small& a);

// Each coefficient rounded to the nearest multiple of 3 (the specification's
// Round).
void round3(Rq& out, const Rq& a);

// 0 when exactly w coefficients are nonzero, else -1.
int32_t weight_w_mask(const Small& a);

}  // namespace lpsshd::crypto::sntrup761
