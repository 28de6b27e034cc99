// chacha20-poly1305@openssh.com packets under a fixed key; the first 4 input
// bytes are the sequence number. The rest is decoded as received ciphertext;
// then sealed as [length][body] with a valid tag, to reach the checks behind
// the MAC; then sent by PacketEncoder, which must decode back to exactly it.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "tests/packet_keys.h"
#include "transport/packet.h"

using namespace lpsshd;
using Decoder = transport::PacketDecoder;
static const std::vector<uint8_t> key(64, 0x5a);

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint32_t seq = uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | data[2] << 8 | data[3];
  const std::span<const uint8_t> rest(data + 4, size - 4);
  const size_t n = rest.size();
  std::vector<uint8_t> payload, pkt{uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
  auto decode = [&](std::span<const uint8_t> in) -> size_t {  // consumed, or 0: no packet
    Decoder dec;
    dec.set_seq(seq), dec.set_keys(lpsshd::testing::chacha_keys(key));
    size_t used = 0;
    std::string why;
    if (dec.decode(in, used, payload, why) != Decoder::Result::kPacket) return 0;
    if (used == 0 || used > in.size() || payload.empty() || dec.seq() != seq + 1) abort();
    return used;
  };
  decode(rest);
  pkt.insert(pkt.end(), rest.begin(), rest.end());
  pkt.resize(4 + n + crypto::ChachaPoly::kTagBytes);
  crypto::ChachaPoly(key).seal(seq, pkt.data(), 4 + n, pkt.data() + 4 + n);
  if (const size_t used = decode(pkt); used != 0 && (used != pkt.size() || payload.size() + 5 > n))
    abort();  // a packet, so all of it, and padding takes at least 4 bytes
  if (n == 0 || n > transport::kMaxPayloadOut) return 0;    // no SSH message is empty
  transport::PacketEncoder enc;
  enc.set_seq(seq), enc.set_keys(lpsshd::testing::chacha_keys(key));
  std::vector<uint8_t> out;
  enc.encode(rest, out);
  if (decode(out) != out.size() || !std::equal(payload.begin(), payload.end(), rest.begin(), rest.end()))
    abort();
  return 0;
}
