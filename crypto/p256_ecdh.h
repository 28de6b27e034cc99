// ecdh-sha2-nistp256 (RFC 5656 4): the server's ephemeral key and the
// shared secret. The monitor computes it; Q_C comes from the client through
// the preauth child, so it is hostile bytes: anything but an uncompressed
// point on the curve is refused (RFC 5656 4 requires the check; without it
// an invalid-curve point leaks bits of the secret).
#pragma once

#include <optional>
#include <span>

#include "crypto/p256_point.h"
#include "crypto/secret.h"

namespace lpsshd::crypto {

class P256Ephemeral {
 public:
  static P256Ephemeral generate();
  // From a known private scalar (known-answer tests): nullopt unless d is
  // 32 bytes in [1, n-1].
  static std::optional<P256Ephemeral> from_secret(std::span<const uint8_t> d);

  // Q_S as sent in SSH_MSG_KEX_ECDH_REPLY: 0x04 || X || Y.
  const P256PointBytes& public_point() const { return q_; }
  // The private scalar, 32 bytes big-endian; wiped when this object dies.
  const SecretBytes& secret() const { return d_; }

 private:
  P256Ephemeral(SecretBytes d, const P256PointBytes& q) : d_(std::move(d)), q_(q) {}
  SecretBytes d_;
  P256PointBytes q_;
};

// The X coordinate of secret * peer_point, 32 bytes big-endian (the caller
// encodes it as the mpint K). nullopt when peer_point is not exactly 65
// bytes 0x04 || X || Y with X, Y < p on the curve, or secret is not a valid
// scalar.
std::optional<SecretBytes> p256_shared(const SecretBytes& secret,
                                       std::span<const uint8_t> peer_point);

}  // namespace lpsshd::crypto
