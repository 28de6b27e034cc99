// OpenSSH private key files (PROTOCOL.key, unencrypted ssh-ed25519, ssh-rsa,
// ecdsa-sha2-nistp256). Beyond "never crashes": a key that parses writes out
// (format_openssh_private_key) to a file that parses to the same public
// blob, secret and comment, and an ed25519 key's signature verifies.
#include <sodium.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/keyfile.h"

using namespace lpsshd::crypto;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  const auto f = parse_openssh_private_key({reinterpret_cast<const char*>(data), size}, error);
  if (!f) return 0;
  const auto blob = f->key->public_blob();
  const auto back = parse_openssh_private_key(format_openssh_private_key(*f->key, f->comment), error);
  if (!back || back->comment != f->comment || back->key->public_blob() != blob) abort();
  const auto a = f->key->secret_material(), b = back->key->secret_material();
  if (a.size() != b.size() || sodium_memcmp(a.data(), b.data(), a.size()) != 0) abort();
  if (f->ed25519() != nullptr) {
    static constexpr uint8_t kMessage[] = "fuzz";
    const auto alg = f->key->algorithms().front();
    if (!ed25519_verify_blob(blob, f->key->sign(alg, kMessage), kMessage)) abort();
  }
  return 0;
}
