// An ecdsa-sha2-nistp256 host key (RFC 5656 3) behind the HostKey interface.
// Public blob: string "ecdsa-sha2-nistp256", string "nistp256", string Q.
// Signature blob: string "ecdsa-sha2-nistp256", string (mpint r, mpint s)
// over SHA-256 of the message, with a fresh random nonce from libsodium.
#pragma once

#include <memory>
#include <string>

#include "crypto/ec_curves.h"
#include "crypto/host_key.h"
#include "crypto/p256_point.h"
#include "wire/writer.h"

namespace lpsshd::crypto {

// The curve identifier inside P-256 key blobs (RFC 5656 6.1).
inline constexpr std::string_view kNistP256CurveName = curve_info(EcCurve::kP256).name;

class EcdsaP256HostKey final : public HostKey {
 public:
  // From an OpenSSH private key's fields: Q (65 bytes) and the scalar d
  // (big-endian, at most 32 bytes). nullptr with a reason unless d is in
  // [1, n-1], Q is a valid point and Q == d*G.
  static std::unique_ptr<EcdsaP256HostKey> from_parts(std::span<const uint8_t> q,
                                                      std::span<const uint8_t> d,
                                                      std::string& error);
  static std::unique_ptr<EcdsaP256HostKey> generate();

  std::vector<std::string_view> algorithms() const override;
  std::vector<uint8_t> public_blob() const override;
  // Empty if algorithm is not ecdsa-sha2-nistp256.
  std::vector<uint8_t> sign(std::string_view algorithm,
                            std::span<const uint8_t> message) const override;
  std::span<const uint8_t> secret_material() const override { return d_.span(); }

  const P256PointBytes& public_point() const { return q_; }
  // The private section of an openssh-key-v1 file after the key type:
  // string curve, string Q, mpint d.
  void write_private_fields(wire::Writer& w) const;

 private:
  EcdsaP256HostKey(SecretBytes d, const P256PointBytes& q) : d_(std::move(d)), q_(q) {}
  SecretBytes d_;  // 32 bytes big-endian
  P256PointBytes q_;
};

}  // namespace lpsshd::crypto
