// The server's side of each key-exchange method: from the client's Q_C to
// the server's Q_S and the encoded shared secret K. One function per
// method behind one entry point, so the table row (transport/algorithms.h)
// is all a caller names. Q_C is hostile bytes relayed by a child: each
// method refuses anything but its exact size and a valid value, and the
// caller signs nothing when this refuses.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "transport/algorithms.h"

namespace lpsshd::monitor {

struct KexAgreement {
  crypto::SecretBytes k_encoded;       // mpint (classic) or string (hybrids)
  std::vector<uint8_t> server_public;  // Q_S, the row's server_public_bytes
};

// Whether this monitor computes the method (a configured name whose method
// is not is never offered).
bool kex_method_implemented(transport::KexMethod method);

// nullopt, with the reason in `why`, when Q_C is refused.
std::optional<KexAgreement> kex_agree(const transport::KexAlgorithm& row,
                                      std::span<const uint8_t> q_c, std::string& why);

}  // namespace lpsshd::monitor
