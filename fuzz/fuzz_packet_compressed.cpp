// Plain binary packets decoded with zlib@openssh.com on, one stream across
// all packets of the input as across a connection's (the inflate path of the
// postauth child). Beyond "never crashes": every payload is non-empty and at
// most kMaxPacketLength however much the data claims, and after the first
// error the stream takes nothing more. Then the input, as one payload, goes
// through a compressing encoder and must decode back to exactly itself.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "transport/packet.h"

using lpsshd::transport::PacketDecoder;
using lpsshd::transport::PacketEncoder;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  PacketDecoder dec;
  dec.set_compression(true);
  std::vector<uint8_t> payload;
  std::string why;
  while (true) {
    size_t used = 0;
    const auto r = dec.decode(in, used, payload, why);
    if (r == PacketDecoder::Result::kNeedMore) break;
    if (r == PacketDecoder::Result::kError) {
      // A broken stream stays broken (the connection ends anyway).
      if (!in.empty() && dec.decode(in, used, payload, why) == PacketDecoder::Result::kPacket &&
          why.empty())
        abort();
      break;
    }
    if (used == 0 || used > in.size() || payload.empty() ||
        payload.size() > lpsshd::transport::kMaxPacketLength)
      abort();
    in = in.subspan(used);
  }

  if (size == 0 || size > lpsshd::transport::kMaxPayloadOut) return 0;
  PacketEncoder enc;
  PacketDecoder back;
  enc.set_compression(true);
  back.set_compression(true);
  std::vector<uint8_t> wire;
  const std::span<const uint8_t> msg(data, size);
  enc.encode(msg, wire);
  enc.encode(msg, wire);  // the second one leans on the first's history
  std::span<const uint8_t> w(wire);
  for (int i = 0; i < 2; ++i) {
    size_t used = 0;
    if (back.decode(w, used, payload, why) != PacketDecoder::Result::kPacket ||
        !std::equal(payload.begin(), payload.end(), msg.begin(), msg.end()))
      abort();
    w = w.subspan(used);
  }
  return w.empty() ? 0 : (abort(), 0);
}
