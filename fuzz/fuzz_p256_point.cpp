// ecdh-sha2-nistp256's Q_C (crypto/p256_ecdh.h): hostile bytes from the
// client. Beyond "never crashes": a shared secret comes back exactly when
// the input is a canonical uncompressed point on the curve (it re-encodes to
// the same 65 bytes), and it is 32 bytes.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "crypto/p256_ecdh.h"

using namespace lpsshd::crypto;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const P256Ephemeral server = P256Ephemeral::generate();
  const std::span<const uint8_t> in(data, size);
  const auto k = p256_shared(server.secret(), in);
  P256Point point;
  const bool valid = point.decode(in);
  if (k.has_value() != valid) abort();
  if (!valid) return 0;
  const auto again = point.encode();
  if (k->size() != kP256CoordinateBytes || !std::equal(again.begin(), again.end(), in.begin(), in.end()))
    abort();
  return 0;
}
