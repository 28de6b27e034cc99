// Encrypted packets under every protection shape (transport/packet_protection.h):
// byte 0 picks a cipher (and MAC) row pair, bytes 1..4 are the sequence
// number, which also sets the cipher's position (AES-GCM invocations,
// AES-CTR blocks) to exercise resuming. The rest is decoded as received
// ciphertext; then sealed as [length][body] with a valid tag where the
// shape allows that length, to reach the checks behind the MAC; then sent by
// PacketEncoder, which must decode back to exactly it.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "tests/packet_keys.h"
#include "transport/packet.h"

using namespace lpsshd;
using Decoder = transport::PacketDecoder;

namespace {
const std::vector<uint8_t> kMaterial(128, 0x5a);
struct Pair {
  const char* cipher;
  const char* mac;
};
const Pair kPairs[] = {
    {"chacha20-poly1305@openssh.com", nullptr},
    {"aes128-gcm@openssh.com", nullptr},
    {"aes256-gcm@openssh.com", nullptr},
    {"aes128-ctr", "hmac-sha2-256-etm@openssh.com"},
    {"aes256-ctr", "hmac-sha2-512-etm@openssh.com"},
    {"aes192-ctr", "hmac-sha2-256"},  // encrypt-and-MAC
    {"aes128-ctr", "hmac-sha2-512"},
};

transport::DirectionKeys keys(const Pair& p) {
  const auto* c = transport::find_cipher(p.cipher);
  const auto* m = p.mac ? transport::find_mac(p.mac) : nullptr;
  if (c == nullptr || (p.mac && m == nullptr)) abort();
  return lpsshd::testing::keys_for(*c, m, kMaterial);
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const Pair& pair = kPairs[data[0] % std::size(kPairs)];
  const uint32_t seq = uint32_t{data[1]} << 24 | uint32_t{data[2]} << 16 | data[3] << 8 | data[4];
  const std::span<const uint8_t> rest(data + 5, size - 5);
  const size_t n = rest.size();
  const auto k = keys(pair);
  std::vector<uint8_t> payload, pkt{uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
  auto decode = [&](std::span<const uint8_t> in) -> size_t {  // consumed, or 0: no packet
    Decoder dec;
    dec.set_seq(seq);
    if (!dec.set_keys(k)) abort();
    dec.set_cipher_position(seq);
    // What a reader asks for first never exceeds what a packet can be.
    if (dec.bytes_needed(in) > 4 + transport::kMaxPacketLength + transport::kMaxTagBytes) abort();
    size_t used = 0;
    std::string why;
    if (dec.decode(in, used, payload, why) != Decoder::Result::kPacket) return 0;
    if (used == 0 || used > in.size() || payload.empty() || dec.seq() != seq + 1) abort();
    return used;
  };
  decode(rest);
  // Seal [n][rest] as a sender would, where the shape can take that length
  // (a stream cipher works in whole blocks).
  auto sealer = transport::make_protection(k);
  const size_t aligned = sealer->length_in_alignment() ? 4 + n : n;
  if (k.cipher->mode != transport::CipherMode::kAesCtr || aligned % sealer->block_bytes() == 0) {
    sealer->set_position(seq);
    pkt.insert(pkt.end(), rest.begin(), rest.end());
    pkt.resize(4 + n + sealer->tag_bytes());
    sealer->seal(seq, pkt.data(), 4 + n, pkt.data() + 4 + n);
    if (const size_t used = decode(pkt); used != 0 && (used != pkt.size() || payload.size() + 5 > n))
      abort();  // a packet, so all of it, and padding takes at least 4 bytes
  }
  if (n == 0 || n > transport::kMaxPayloadOut) return 0;  // no SSH message is empty
  transport::PacketEncoder enc;
  enc.set_seq(seq);
  if (!enc.set_keys(k)) abort();
  enc.set_cipher_position(seq);
  std::vector<uint8_t> out;
  enc.encode(rest, out);
  if (decode(out) != out.size() || !std::equal(payload.begin(), payload.end(), rest.begin(), rest.end()))
    abort();
  return 0;
}
