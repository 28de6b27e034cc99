// The monitor's side of every key exchange (monitor/kex_methods.h) on
// hostile Q_C: the first byte picks the KEX row, the rest is Q_C as a child
// relays it. Beyond "never crashes": a value of the wrong size is always
// refused, an accepted one gives exactly the row's Q_S size and a K of the
// method's encoding (string of the hash for the hybrids), and an ML-KEM key
// is accepted only when it passes FIPS 203's modulus check.
#include <sodium.h>

#include <cstdlib>
#include <string>

#include "crypto/mlkem768.h"
#include "monitor/kex_methods.h"
#include "transport/algorithms.h"

using namespace lpsshd;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& row = transport::kKexAlgorithms[data[0] % transport::kKexAlgorithms.size()];
  const std::span<const uint8_t> q_c(data + 1, size - 1);
  std::string why;
  const auto agreed = monitor::kex_agree(row, q_c, why);
  if (q_c.size() != row.client_public_bytes) {
    if (agreed) abort();
    return 0;
  }
  const bool mlkem = row.method == transport::KexMethod::kMlKem768X25519;
  if (mlkem && !crypto::mlkem768::encapsulation_key_valid(q_c.first(crypto::mlkem768::kEncapsulationKeyBytes)) &&
      agreed)
    abort();
  if (!agreed) {
    if (why.empty()) abort();
    return 0;
  }
  if (agreed->server_public.size() != row.server_public_bytes) abort();
  const bool hybrid = row.post_quantum;
  if (hybrid && agreed->k_encoded.size() != 4 + transport::kex_hash_bytes(row.hash)) abort();
  return 0;
}
