#include "crypto/fingerprint.h"

#include <sodium.h>

#include "crypto/sha2.h"

namespace lpsshd::crypto {

std::string sha256_fingerprint(std::span<const uint8_t> public_blob) {
  const auto d = sha256(public_blob);
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, d.data(), d.size(), sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  return std::string("SHA256:") + b64;
}

}  // namespace lpsshd::crypto
