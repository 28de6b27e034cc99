// A host key as the monitor uses it during a key exchange: which host-key
// algorithms it signs with, its public blob (K_S), and a signature over an
// exchange hash. One implementation per key type (ed25519 here; RSA and
// ECDSA in their own files). Only the monitor holds these objects: the
// children never see a private key.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secret.h"

namespace lpsshd::crypto {

class HostKey {
 public:
  virtual ~HostKey() = default;
  // The host-key algorithm names this key signs with, preferred first
  // ("ssh-ed25519"; "rsa-sha2-512", "rsa-sha2-256"; "ecdsa-sha2-nistp256").
  virtual std::vector<std::string_view> algorithms() const = 0;
  virtual std::vector<uint8_t> public_blob() const = 0;
  // The signature blob over message for `algorithm`, one of algorithms().
  virtual std::vector<uint8_t> sign(std::string_view algorithm,
                                    std::span<const uint8_t> message) const = 0;
  // Bytes only this key's holder knows, for deriving per-host secrets
  // (monitor/auth_delay.h); never sent anywhere.
  virtual std::span<const uint8_t> secret_material() const = 0;
};

// The HostKey lines loaded, in configuration order (the first is the key
// used for per-host secrets).
using HostKeys = std::vector<std::unique_ptr<HostKey>>;

// The loaded key that signs with `algorithm`, or nullptr.
const HostKey* host_key_for(const HostKeys& keys, std::string_view algorithm);

}  // namespace lpsshd::crypto
