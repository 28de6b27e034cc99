#include "crypto/bignum.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace lpsshd::crypto {

namespace {
// GMP (and nettle, which allocates through GMP) frees and reallocates limb
// arrays as numbers grow: without this, copies of private exponents, primes
// and scalars would stay in freed heap blocks. Installed once, before main,
// in every program that links this file.
void* gmp_alloc(size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) std::abort();
  return p;
}
void gmp_free(void* p, size_t n) {
  if (p == nullptr) return;
  sodium_memzero(p, n);
  std::free(p);
}
void* gmp_realloc(void* old, size_t old_size, size_t new_size) {
  void* p = gmp_alloc(new_size);
  std::memcpy(p, old, std::min(old_size, new_size));
  gmp_free(old, old_size);
  return p;
}
[[maybe_unused]] const bool kWipingAllocator =
    (mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free), true);
}  // namespace

Mpz::Mpz(std::span<const uint8_t> be) {
  mpz_init(v_);
  if (!be.empty()) mpz_import(v_, be.size(), 1, 1, 1, 0, be.data());
}

Mpz::~Mpz() {
  wipe_mpz(v_);
  mpz_clear(v_);
}

void wipe_mpz(mpz_ptr v) {
  if (v->_mp_alloc > 0 && v->_mp_d != nullptr)
    sodium_memzero(v->_mp_d, static_cast<size_t>(v->_mp_alloc) * sizeof(mp_limb_t));
  v->_mp_size = 0;
}

std::vector<uint8_t> Mpz::to_bytes(size_t width) const {
  SecretBytes s = to_secret(width);
  return {s.span().begin(), s.span().end()};
}

SecretBytes Mpz::to_secret(size_t width) const {
  const size_t n = bytes();
  if (mpz_sgn(v_) < 0 || (width != 0 && n > width)) return {};
  const size_t len = width != 0 ? width : n;
  SecretBytes out(len);
  size_t written = 0;
  if (n != 0) mpz_export(out.data() + (len - n), &written, 1, 1, 1, 0, v_);
  return out;
}

void sodium_random(void*, size_t length, uint8_t* dst) { randombytes_buf(dst, length); }

}  // namespace lpsshd::crypto
