// Binary packets before the first NEWKEYS (RFC 4253 6), decoded one after
// another from the input as from a socket buffer. Beyond "never crashes":
// every packet consumes a positive number of bytes within the buffer, carries
// a non-empty payload copied verbatim from after the padding_length byte, and
// advances the sequence number by one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "transport/packet.h"

using lpsshd::transport::PacketDecoder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  PacketDecoder dec;
  std::vector<uint8_t> payload;
  std::string why;
  for (uint32_t packets = 0;; ++packets) {
    size_t consumed = 0;
    if (dec.decode(in, consumed, payload, why) != PacketDecoder::Result::kPacket) break;
    if (consumed < 5 || consumed > in.size() || payload.empty() || payload.size() > consumed - 5 ||
        std::memcmp(payload.data(), in.data() + 5, payload.size()) != 0 ||
        dec.seq() != packets + 1)
      abort();
    in = in.subspan(consumed);
  }
  return 0;
}
