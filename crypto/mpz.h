// A GMP integer that frees itself: RSA and ECDSA verification (monitor only,
// lpsshd_signatures) hold every number in one of these.
#pragma once

#include <gmp.h>
#include <nettle/bignum.h>

#include <cstdint>
#include <span>

namespace lpsshd::crypto {

class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  // From big-endian unsigned magnitude bytes (an SSH mpint's contents, or a
  // raw signature); empty is zero.
  explicit Mpz(std::span<const uint8_t> be) {
    mpz_init(v_);
    nettle_mpz_set_str_256_u(v_, be.size(), be.data());
  }
  ~Mpz() { mpz_clear(v_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;

  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }

 private:
  mpz_t v_;
};

}  // namespace lpsshd::crypto
