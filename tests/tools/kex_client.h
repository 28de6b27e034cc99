// The client half of each key-exchange method, for raw_ssh_client: Q_C,
// then the encoded shared secret K from the server's Q_S. The ML-KEM hybrid
// is played by an independent implementation (noble's ML-KEM-768 and
// X25519 in node: tests/tools/noble/hybrid_client.mjs), so a login with it
// checks lpsshd's ML-KEM against someone else's, not against itself.
// sntrup761x25519 uses lpsshd's own sntrup761 (OpenSSH's client is its
// independent check, in pqkex_test.sh); curve25519 uses libsodium.
// Linked by test tools only (raw_ssh_client, hostile_child).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "transport/algorithms.h"

namespace lpsshd::testing {

class KexClient {
 public:
  // Who plays ML-KEM-768: noble (a login's independent check), or lpsshd's
  // own (hostile_child, which tests the monitor's boundary, not the KEM,
  // and runs where node cannot).
  enum class MlKem { kNoble, kOwn };
  // nullopt (why set) when the method cannot be played here.
  static std::optional<KexClient> start(const transport::KexAlgorithm& row, std::string& why,
                                        MlKem mlkem = MlKem::kNoble);

  const std::vector<uint8_t>& client_public() const { return q_c_; }
  // K, encoded as the method puts it into H (mpint or string); nullopt when
  // Q_S is refused.
  std::optional<crypto::SecretBytes> finish(std::span<const uint8_t> q_s, std::string& why) const;

 private:
  KexClient(const transport::KexAlgorithm& row, MlKem mlkem) : row_(&row), mlkem_(mlkem) {}
  const transport::KexAlgorithm* row_;
  MlKem mlkem_;
  std::vector<uint8_t> q_c_;
  crypto::SecretBytes state_;  // the client's secrets, as the method keeps them
};

}  // namespace lpsshd::testing
