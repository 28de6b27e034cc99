// The sntrup761 KEM of the NTRU Prime round-3 submission: Streamlined NTRU
// Prime (ZKeyGen, ZEncrypt, ZDecrypt) with the plaintext confirmation hash
// and implicit rejection, hashes SHA-512 truncated to 32 bytes after a
// one-byte prefix saying what is hashed.
//
// Secret key layout (1763 bytes): f (small) | 1/g in R/3 (small) | the
// public key | rho (191 random bytes, the rejection key) | the public key's
// hash (prefix 4), cached for the confirmation hash.
#include "crypto/sntrup761.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/constant_time.h"
#include "crypto/sntrup761_encoding.h"
#include "crypto/sntrup761_field.h"
#include "crypto/sntrup761_params.h"
#include "crypto/sntrup761_poly.h"
#include "crypto/sntrup761_sample.h"

namespace lpsshd::crypto::sntrup761 {
namespace {

static_assert(kPublicKeyBytes == kRqBytes);
static_assert(kCiphertextBytes == kRoundedBytes + kHashBytes);
static_assert(kSecretKeyBytes == 2 * kSmallBytes + kPublicKeyBytes + kSmallBytes + kHashBytes);
static_assert(kSharedSecretBytes == kHashBytes);

// What the prefix byte of each hash says.
enum HashPrefix : uint8_t {
  kSessionRejected = 0,
  kSessionAccepted = 1,
  kConfirm = 2,
  kInput = 3,
  kPublicKey = 4,
};

constexpr size_t kFOffset = 0;
constexpr size_t kGInverseOffset = kSmallBytes;
constexpr size_t kPkOffset = 2 * kSmallBytes;
constexpr size_t kRhoOffset = kPkOffset + kPublicKeyBytes;
constexpr size_t kCacheOffset = kRhoOffset + kSmallBytes;

using Hash = std::array<uint8_t, kHashBytes>;

// SHA-512(prefix || first || second), first 32 bytes.
void hash_prefix(std::span<uint8_t, kHashBytes> out, uint8_t prefix, std::span<const uint8_t> first,
                 std::span<const uint8_t> second = {}) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, &prefix, 1);
  crypto_hash_sha512_update(&state, first.data(), first.size());
  crypto_hash_sha512_update(&state, second.data(), second.size());
  std::array<uint8_t, crypto_hash_sha512_BYTES> digest;
  crypto_hash_sha512_final(&state, digest.data());
  std::copy_n(digest.begin(), kHashBytes, out.begin());
  sodium_memzero(digest.data(), sizeof digest);
  sodium_memzero(&state, sizeof state);
}

// HashConfirm: H2(H3(r_enc) || H4(pk)).
void hash_confirm(std::span<uint8_t, kHashBytes> out, std::span<const uint8_t, kSmallBytes> r_enc,
                  std::span<const uint8_t, kHashBytes> pk_hash) {
  Hash inner;
  hash_prefix(inner, kInput, r_enc);
  hash_prefix(out, kConfirm, inner, pk_hash);
  sodium_memzero(inner.data(), sizeof inner);
}

// HashSession: H_b(H3(r_enc) || ciphertext), b = 1 for a ciphertext that
// decrypted and re-encrypted to itself, 0 (with rho for r_enc) otherwise.
void hash_session(std::span<uint8_t, kHashBytes> out, uint8_t prefix,
                  std::span<const uint8_t, kSmallBytes> r_enc,
                  std::span<const uint8_t, kCiphertextBytes> ct) {
  Hash inner;
  hash_prefix(inner, kInput, r_enc);
  hash_prefix(out, prefix, inner, ct);
  sodium_memzero(inner.data(), sizeof inner);
}

// urandom32 for each coefficient: 4*p bytes from one call, read as
// little-endian words (the reference draws the whole list at once).
void draw_words(RandomWords& words, RandomSource random, void* context) {
  std::array<uint8_t, 4 * kP> bytes;
  random(bytes, context);
  words_from_bytes(words, bytes);
  sodium_memzero(bytes.data(), sizeof bytes);
}

// ZEncrypt: the rounded product h*r.
void zencrypt(std::span<uint8_t, kRoundedBytes> out, const Small& r,
              std::span<const uint8_t, kPublicKeyBytes> pk) {
  Rq h;
  decode_rq(h, pk);
  Rq hr;
  mult_rq_small(hr, h, r);
  Rq c;
  round3(c, hr);
  encode_rounded(out, c);
  sodium_memzero(hr.data(), sizeof hr);
  sodium_memzero(c.data(), sizeof c);
}

// ZDecrypt: r = (3*c*f mod q, mod 3) / g in R/3, forced to weight w (the
// all-ones-then-zeros polynomial when the weight is wrong, which then fails
// the re-encryption check).
void zdecrypt(Small& r, std::span<const uint8_t, kRoundedBytes> ct,
              std::span<const uint8_t, kSecretKeyBytes> sk) {
  Small f;
  decode_small(f, sk.subspan<kFOffset, kSmallBytes>());
  Small g_inverse;
  decode_small(g_inverse, sk.subspan<kGInverseOffset, kSmallBytes>());
  Rq c;
  decode_rounded(c, ct);
  Rq cf;
  mult_rq_small(cf, c, f);
  Rq cf3;
  times3_rq(cf3, cf);
  Small e;
  r3_from_rq(e, cf3);
  Small ev;
  mult_r3(ev, e, g_inverse);
  const int32_t wrong_weight = weight_w_mask(ev);
  for (int i = 0; i < kP; ++i) {
    const int32_t fallback = i < kW ? 1 : 0;  // i is public
    r[i] = static_cast<int8_t>(ev[i] ^ (wrong_weight & (ev[i] ^ fallback)));
  }
  sodium_memzero(f.data(), sizeof f);
  sodium_memzero(g_inverse.data(), sizeof g_inverse);
  sodium_memzero(cf.data(), sizeof cf);
  sodium_memzero(cf3.data(), sizeof cf3);
  sodium_memzero(e.data(), sizeof e);
  sodium_memzero(ev.data(), sizeof ev);
}

// Hide: the ciphertext (ZEncrypt and the confirmation hash) and the encoded
// input r that the session key hashes.
void hide(std::span<uint8_t, kCiphertextBytes> ct, std::span<uint8_t, kSmallBytes> r_enc,
          const Small& r, std::span<const uint8_t, kPublicKeyBytes> pk,
          std::span<const uint8_t, kHashBytes> pk_hash) {
  encode_small(r_enc, r);
  zencrypt(ct.subspan<0, kRoundedBytes>(), r, pk);
  hash_confirm(ct.subspan<kRoundedBytes, kHashBytes>(), r_enc, pk_hash);
}

}  // namespace

void system_random(std::span<uint8_t> out, void*) { randombytes_buf(out.data(), out.size()); }

void keygen(std::span<uint8_t, kPublicKeyBytes> pk, std::span<uint8_t, kSecretKeyBytes> sk,
            RandomSource random, void* context) {
  RandomWords words;
  Small g;
  Small g_inverse;
  for (;;) {
    draw_words(words, random, context);
    small_from_words(g, words);
    int32_t not_invertible = reciprocal_r3(g_inverse, g);
    declassify(&not_invertible, sizeof not_invertible);
    if (not_invertible == 0) break;
  }
  Small f;
  draw_words(words, random, context);
  short_from_words(f, words);
  Rq f3_inverse;
  reciprocal3_rq(f3_inverse, f);  // every nonzero f is invertible mod q
  Rq h;
  mult_rq_small(h, f3_inverse, g);  // h = g/(3f)
  encode_rq(pk, h);

  encode_small(sk.subspan<kFOffset, kSmallBytes>(), f);
  encode_small(sk.subspan<kGInverseOffset, kSmallBytes>(), g_inverse);
  std::copy(pk.begin(), pk.end(), sk.begin() + kPkOffset);
  random(sk.subspan<kRhoOffset, kSmallBytes>(), context);
  hash_prefix(sk.subspan<kCacheOffset, kHashBytes>(), kPublicKey, pk);

  sodium_memzero(words.data(), sizeof words);
  sodium_memzero(g.data(), sizeof g);
  sodium_memzero(g_inverse.data(), sizeof g_inverse);
  sodium_memzero(f.data(), sizeof f);
  sodium_memzero(f3_inverse.data(), sizeof f3_inverse);
}

void encapsulate(std::span<const uint8_t, kPublicKeyBytes> pk,
                 std::span<uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared, RandomSource random,
                 void* context) {
  Hash pk_hash;
  hash_prefix(pk_hash, kPublicKey, pk);
  RandomWords words;
  draw_words(words, random, context);
  Small r;
  short_from_words(r, words);
  std::array<uint8_t, kSmallBytes> r_enc;
  hide(ct, r_enc, r, pk, pk_hash);
  hash_session(shared, kSessionAccepted, r_enc, ct);
  sodium_memzero(words.data(), sizeof words);
  sodium_memzero(r.data(), sizeof r);
  sodium_memzero(r_enc.data(), sizeof r_enc);
}

void decapsulate(std::span<const uint8_t, kSecretKeyBytes> sk,
                 std::span<const uint8_t, kCiphertextBytes> ct,
                 std::span<uint8_t, kSharedSecretBytes> shared) {
  Small r;
  zdecrypt(r, ct.subspan<0, kRoundedBytes>(), sk);
  std::array<uint8_t, kCiphertextBytes> ct_again;
  std::array<uint8_t, kSmallBytes> r_enc;
  hide(ct_again, r_enc, r, sk.subspan<kPkOffset, kPublicKeyBytes>(),
       sk.subspan<kCacheOffset, kHashBytes>());
  uint32_t difference = 0;
  for (size_t i = 0; i < kCiphertextBytes; ++i) difference |= ct[i] ^ ct_again[i];
  const int32_t rejected = nonzero_mask(static_cast<int32_t>(difference));
  const auto rho = sk.subspan<kRhoOffset, kSmallBytes>();
  for (size_t i = 0; i < kSmallBytes; ++i) {
    r_enc[i] = static_cast<uint8_t>(r_enc[i] ^ (rejected & (r_enc[i] ^ rho[i])));
  }
  // kSessionAccepted (1) + rejected (0 or -1): 1 or kSessionRejected (0).
  hash_session(shared, static_cast<uint8_t>(kSessionAccepted + rejected), r_enc, ct);
  sodium_memzero(r.data(), sizeof r);
  sodium_memzero(ct_again.data(), sizeof ct_again);
  sodium_memzero(r_enc.data(), sizeof r_enc);
}

}  // namespace lpsshd::crypto::sntrup761
