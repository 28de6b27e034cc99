#include "crypto/ed25519.h"

#include <sodium.h>

#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::crypto {

std::vector<uint8_t> ed25519_public_blob(const Ed25519Public& pk) {
  wire::Writer w(51);
  w.string(kEd25519Name).string(std::span<const uint8_t>(pk));
  return w.take();
}

std::optional<Ed25519Public> ed25519_parse_public_blob(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  wire::Bytes name, key;
  if (!r.string(name) || wire::as_view(name) != kEd25519Name) return std::nullopt;
  if (!r.fixed_string(key, 32) || !r.end()) return std::nullopt;
  Ed25519Public pk;
  std::copy(key.begin(), key.end(), pk.begin());
  return pk;
}

Ed25519Key::Ed25519Key(SecretBytes secret, const Ed25519Public& pk)
    : sk_(std::move(secret)), pk_(pk) {}

Ed25519Key Ed25519Key::generate() {
  SecretBytes sk(crypto_sign_ed25519_SECRETKEYBYTES);
  Ed25519Public pk;
  crypto_sign_ed25519_keypair(pk.data(), sk.data());
  return Ed25519Key(std::move(sk), pk);
}

bool Ed25519Key::consistent() const {
  if (sk_.size() != crypto_sign_ed25519_SECRETKEYBYTES) return false;
  Ed25519Public derived;
  SecretBytes sk2(crypto_sign_ed25519_SECRETKEYBYTES);
  crypto_sign_ed25519_seed_keypair(derived.data(), sk2.data(), sk_.data());
  return sodium_memcmp(derived.data(), pk_.data(), 32) == 0 &&
         sodium_memcmp(sk2.data(), sk_.data(), sk_.size()) == 0;
}

std::vector<uint8_t> Ed25519Key::sign_blob(std::span<const uint8_t> message) const {
  uint8_t sig[crypto_sign_ed25519_BYTES];
  crypto_sign_ed25519_detached(sig, nullptr, message.data(), message.size(), sk_.data());
  wire::Writer w(83);
  w.string(kEd25519Name).string(std::span<const uint8_t>(sig, sizeof sig));
  return w.take();
}

bool ed25519_verify_blob(std::span<const uint8_t> public_blob,
                         std::span<const uint8_t> signature_blob,
                         std::span<const uint8_t> message) {
  auto pk = ed25519_parse_public_blob(public_blob);
  if (!pk) return false;
  wire::Reader r(signature_blob);
  wire::Bytes name, sig;
  if (!r.string(name) || wire::as_view(name) != kEd25519Name) return false;
  if (!r.fixed_string(sig, crypto_sign_ed25519_BYTES) || !r.end()) return false;
  return crypto_sign_ed25519_verify_detached(sig.data(), message.data(), message.size(),
                                             pk->data()) == 0;
}

}  // namespace lpsshd::crypto
