// Key fingerprints as OpenSSH logs them: "SHA256:" + unpadded base64 of the
// SHA-256 of the public key blob.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace lpsshd::crypto {

std::string sha256_fingerprint(std::span<const uint8_t> public_blob);

}  // namespace lpsshd::crypto
