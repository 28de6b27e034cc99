// The monitor <-> PAM helper messages (pam/pam_protocol.h): the first byte
// picks a decoder; whatever decodes must re-encode to exactly the input,
// so there is one encoding per message and nothing is silently dropped.
#include <cstdlib>
#include <vector>

#include "pam/pam_protocol.h"

using namespace lpsshd;

template <class M>
static void round_trip(std::span<const uint8_t> in) {
  M m;
  if (!pamproto::decode(in, m)) return;
  const auto out = pamproto::encode(m);
  if (out.size() != in.size() || !std::equal(out.begin(), out.end(), in.begin())) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> in(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: round_trip<pamproto::Start>(in); break;
    case 1: round_trip<pamproto::Authenticate>(in); break;
    case 2: round_trip<pamproto::Answers>(in); break;
    case 3: round_trip<pamproto::SpawnUser>(in); break;
    case 4: round_trip<pamproto::Prompts>(in); break;
    case 5: round_trip<pamproto::Result>(in); break;
  }
  return 0;
}
