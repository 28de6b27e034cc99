// An ssh-ed25519 host key (RFC 8709) behind the HostKey interface.
#pragma once

#include "crypto/ed25519.h"
#include "crypto/host_key.h"

namespace lpsshd::crypto {

class Ed25519HostKey final : public HostKey {
 public:
  explicit Ed25519HostKey(Ed25519Key key) : key_(std::move(key)) {}
  std::vector<std::string_view> algorithms() const override { return {kEd25519Name}; }
  std::vector<uint8_t> public_blob() const override { return key_.public_blob(); }
  std::vector<uint8_t> sign(std::string_view, std::span<const uint8_t> message) const override {
    return key_.sign_blob(message);
  }
  std::span<const uint8_t> secret_material() const override { return key_.secret().span(); }
  const Ed25519Key& key() const { return key_; }

 private:
  Ed25519Key key_;
};

}  // namespace lpsshd::crypto
