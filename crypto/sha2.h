// SHA-2 hashes from libsodium, in the two sizes SSH needs.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>

namespace lpsshd::crypto {

using Sha256Digest = std::array<uint8_t, crypto_hash_sha256_BYTES>;
using Sha512Digest = std::array<uint8_t, crypto_hash_sha512_BYTES>;

inline Sha256Digest sha256(std::span<const uint8_t> data) {
  Sha256Digest d;
  crypto_hash_sha256(d.data(), data.data(), data.size());
  return d;
}

inline Sha512Digest sha512(std::span<const uint8_t> data) {
  Sha512Digest d;
  crypto_hash_sha512(d.data(), data.data(), data.size());
  return d;
}

}  // namespace lpsshd::crypto
