// Every monitor message decoder; the first input byte picks which one, the
// rest is the datagram. Beyond "never crashes": each message has exactly one
// encoding, so whatever decodes must encode back to the very same bytes (a
// second encoding would let a child say one thing two ways).
#include <algorithm>
#include <cstdlib>
#include <span>

#include "monitor/protocol.h"

using namespace lpsshd::monproto;

template <class M>
void round_trip(std::span<const uint8_t> msg) {
  M m;
  if (!decode(msg, m)) return;
  const auto out = encode(m);
  if (!std::equal(out.begin(), out.end(), msg.begin(), msg.end())) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> msg(data + 1, size - 1);
  switch (data[0] % 11) {
    case 0: round_trip<KexInitRequest>(msg); break;
    case 1: round_trip<KexEcdhRequest>(msg); break;
    case 2: round_trip<AuthNoneRequest>(msg); break;
    case 3: round_trip<AuthPubkeyRequest>(msg); break;
    case 4: round_trip<HandoverRequest>(msg); break;
    case 5: round_trip<PostauthReady>(msg); break;
    case 6: round_trip<Hello>(msg); break;
    case 7: round_trip<KexInitReply>(msg); break;
    case 8: round_trip<KexReply>(msg); break;
    case 9: round_trip<AuthReply>(msg); break;
    case 10: round_trip<TransportState>(msg); break;
  }
  return 0;
}
