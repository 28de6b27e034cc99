// An RSA host key behind the HostKey interface: rsa-sha2-512 and
// rsa-sha2-256 (RFC 8332), never ssh-rsa (SHA-1) for host keys.
// Public blob: string "ssh-rsa", mpint e, mpint n (RFC 4253 6.6).
// Signature blob: string algorithm, string s, s exactly as long as the
// modulus. PKCS#1 v1.5, computed with nettle's blinded, self-checking
// *_sign_tr functions (randomness from libsodium).
#pragma once

#include <nettle/rsa.h>

#include <memory>
#include <string>

#include "crypto/host_key.h"
#include "wire/writer.h"

namespace lpsshd::crypto {

// Smaller RSA host keys are refused (OpenSSH's ssh-keygen default is 3072;
// NIST SP 800-131A allows nothing below 2048 since 2014).
inline constexpr unsigned kMinRsaHostKeyBits = 2048;
// OpenSSH's own ceiling (SSH_RSA_MAXIMUM_MODULUS_SIZE).
inline constexpr unsigned kMaxRsaKeyBits = 16384;
// What `lpsshd -A` generates, as ssh-keygen does by default.
inline constexpr unsigned kGeneratedRsaBits = 3072;

class RsaHostKey final : public HostKey {
 public:
  // From an OpenSSH private key's fields (big-endian magnitudes, as
  // wire::Reader::mpint_unsigned gives them). nullptr with a reason unless
  // the modulus has kMinRsaHostKeyBits..kMaxRsaKeyBits bits, e is odd and
  // >= 3, p*q == n, iqmp*q == 1 mod p with iqmp < p, e*d == 1 modulo p-1 and
  // q-1, and a test signature verifies.
  static std::unique_ptr<RsaHostKey> from_parts(std::span<const uint8_t> n,
                                                std::span<const uint8_t> e,
                                                std::span<const uint8_t> d,
                                                std::span<const uint8_t> iqmp,
                                                std::span<const uint8_t> p,
                                                std::span<const uint8_t> q, std::string& error);
  // A new key with e = 65537; nullptr if nettle fails.
  static std::unique_ptr<RsaHostKey> generate(unsigned bits);

  RsaHostKey(const RsaHostKey&) = delete;
  RsaHostKey& operator=(const RsaHostKey&) = delete;
  ~RsaHostKey() override;

  std::vector<std::string_view> algorithms() const override;
  std::vector<uint8_t> public_blob() const override;
  // Empty if algorithm is not one of algorithms() or nettle's check of the
  // signature it computed fails (a fault: nothing is sent then).
  std::vector<uint8_t> sign(std::string_view algorithm,
                            std::span<const uint8_t> message) const override;
  std::span<const uint8_t> secret_material() const override { return secret_.span(); }

  size_t bits() const;
  // The private section of an openssh-key-v1 file after the key type:
  // mpint n, e, d, iqmp, p, q.
  void write_private_fields(wire::Writer& w) const;

 private:
  RsaHostKey();
  // Fills size fields and secret_; false if nettle rejects the key.
  bool prepare();

  rsa_public_key pub_;
  rsa_private_key priv_;
  SecretBytes secret_;  // d, big-endian: the per-host secret's input
};

}  // namespace lpsshd::crypto
