// OpenSSH private key files (PROTOCOL.key, ssh-ed25519, unencrypted). Beyond
// "never crashes": a key that parses is consistent, and writing it out again
// with format_openssh_private_key gives a file that parses to the same key
// and comment.
#include <sodium.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/keyfile.h"

using namespace lpsshd::crypto;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  const auto f = parse_openssh_private_key({reinterpret_cast<const char*>(data), size}, error);
  if (!f) return 0;
  if (!f->key.consistent()) abort();
  const auto back = parse_openssh_private_key(format_openssh_private_key(f->key, f->comment), error);
  if (!back || back->comment != f->comment || back->key.public_key() != f->key.public_key() ||
      back->key.secret().size() != f->key.secret().size() ||
      sodium_memcmp(back->key.secret().data(), f->key.secret().data(), f->key.secret().size()) != 0)
    abort();
  return 0;
}
