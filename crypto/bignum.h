// GMP integers for the RSA and ECDSA code (lpsshd_signatures only): a
// move-only owner that wipes its limbs before freeing them, so private
// exponents and primes do not linger in freed heap blocks, and the
// conversions to and from the big-endian bytes SSH puts in mpints and
// strings. Also the random source nettle asks for: libsodium's.
#pragma once

#include <gmp.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/secret.h"

namespace lpsshd::crypto {

class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  // The non-negative integer with this big-endian magnitude (empty: zero).
  explicit Mpz(std::span<const uint8_t> be);
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  ~Mpz();

  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }
  size_t bits() const { return mpz_sgn(v_) == 0 ? 0 : mpz_sizeinbase(v_, 2); }
  size_t bytes() const { return (bits() + 7) / 8; }

  // Big-endian magnitude, left-padded with zeros to `width` bytes (0: the
  // minimal length). Empty when the value does not fit or is negative.
  std::vector<uint8_t> to_bytes(size_t width = 0) const;
  SecretBytes to_secret(size_t width = 0) const;

 private:
  mpz_t v_;
};

// Wipes an mpz_t's limbs (for nettle structs that hold secrets in place).
void wipe_mpz(mpz_ptr v);

// nettle_random_func backed by libsodium's randombytes_buf. ctx is unused.
void sodium_random(void* ctx, size_t length, uint8_t* dst);

}  // namespace lpsshd::crypto
