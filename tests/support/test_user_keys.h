// Test-only user keys of every type lpsshd verifies, made at run time with
// nettle (RSA, ECDSA) and libsodium (Ed25519), with their SSH public key
// blobs and signature blobs. For unit tests and the raw test client, which
// must sign data (session ids) that only exists at run time; never linked
// into a daemon. A security key's "authenticator" is played by the holder
// of the private key: it signs the PROTOCOL.u2f structure with whatever
// flags and counter the test asks for.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/algorithms.h"

namespace lpsshd::testkeys {

class TestUserKey {
 public:
  static TestUserKey rsa(unsigned bits);
  static TestUserKey ecdsa(transport::KeyType curve);  // kEcdsaP256, P384 or P521
  static TestUserKey ed25519();
  static TestUserKey sk_ed25519(std::string application = "ssh:");
  static TestUserKey sk_ecdsa(std::string application = "ssh:");
  // The same from a 32-byte seed, so a test harness and a client it starts
  // agree on the key without a key file format (raw_ssh_client sk-public).
  static TestUserKey sk_ed25519_from_seed(std::span<const uint8_t, 32> seed,
                                          std::string application = "ssh:");
  static TestUserKey sk_ecdsa_from_seed(std::span<const uint8_t, 32> seed,
                                        std::string application = "ssh:");

  transport::KeyType type() const;
  // The key blob a client sends (and authorized_keys holds).
  const std::vector<uint8_t>& blob() const;
  // "type base64" for an authorized_keys line.
  std::string authorized_keys_entry() const;
  // A signature blob over data as `algorithm` (the hash follows the row of
  // transport::kSignatureAlgorithms). sk keys: with these flags and counter.
  std::vector<uint8_t> sign(std::string_view algorithm, std::span<const uint8_t> data,
                            uint8_t sk_flags = 0x01, uint32_t sk_counter = 1) const;

  ~TestUserKey();
  TestUserKey(TestUserKey&&) noexcept;
  TestUserKey& operator=(TestUserKey&&) noexcept;

  struct State;

 private:
  explicit TestUserKey(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace lpsshd::testkeys
