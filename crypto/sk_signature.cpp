#include "crypto/sk_signature.h"

#include <algorithm>

#include "crypto/sha2.h"

namespace lpsshd::crypto {

bool parse_sk_signature(std::span<const uint8_t> blob, SkSignature& out) {
  wire::Reader r(blob);
  // string alg, string sig, byte flags, uint32 counter
  return r.string(out.algorithm) && r.string(out.signature) && r.u8(out.flags) &&
         r.u32(out.counter) && r.end();
}

SkMessage sk_signed_message(std::string_view application, uint8_t flags, uint32_t counter,
                            std::span<const uint8_t> data) {
  SkMessage m{};
  const auto app = sha256({reinterpret_cast<const uint8_t*>(application.data()), application.size()});
  const auto msg = sha256(data);
  auto it = std::copy(app.begin(), app.end(), m.begin());
  *it++ = flags;
  for (int shift = 24; shift >= 0; shift -= 8) *it++ = static_cast<uint8_t>(counter >> shift);
  std::copy(msg.begin(), msg.end(), it);
  return m;
}

}  // namespace lpsshd::crypto
