// Every monitor message decoder, each on every input: the first byte is the
// message type, as in a datagram the monitor or a child receives, so exactly
// one decoder gets past it. Beyond "never crashes": each message has exactly
// one encoding, so whatever decodes must encode back to the very same bytes
// (a second encoding would let a child say one thing two ways). A message
// type added to monitor/protocol.h belongs in the list below.
#include <algorithm>
#include <cstdlib>
#include <span>

#include "monitor/protocol.h"

using namespace lpsshd::monproto;

template <class... Messages>
void round_trip(std::span<const uint8_t> msg) {
  auto one = [&](auto m) {
    if (!decode(msg, m)) return;
    const auto out = encode(m);
    if (!std::equal(out.begin(), out.end(), msg.begin(), msg.end())) abort();
  };
  (one(Messages{}), ...);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  round_trip<KexInitRequest, KexEcdhRequest, KexStartRequest, AuthNoneRequest, AuthPubkeyRequest, HandoverRequest,
             PostauthReady, PtyRequest, PtyRelease, LogLine, AuthPasswordRequest, AuthKbdintRequest,
             KbdintAnswers, Hello, KexInitReply, KexReply, AuthReply, TransportState,
             SessionSettings, PtyReply, KbdintQuery>({data, size});
  return 0;
}
