#include "crypto/host_key.h"

namespace lpsshd::crypto {

const HostKey* host_key_for(const HostKeys& keys, std::string_view algorithm) {
  for (const auto& k : keys)
    for (auto a : k->algorithms())
      if (a == algorithm) return k.get();
  return nullptr;
}

}  // namespace lpsshd::crypto
