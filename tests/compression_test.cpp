// zlib@openssh.com: the streams (transport/compression.h), the packet codec
// with compression on (transport/packet.h), and what the server's KEXINIT
// offers for each Compression setting (transport/kexinit.h).
#include <gtest/gtest.h>
#include <sodium.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "tests/packet_keys.h"
#include "transport/algorithms.h"
#include "transport/compression.h"
#include "transport/kexinit.h"
#include "transport/packet.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::transport;
using Result = PacketDecoder::Result;

namespace {

std::vector<uint8_t> text_payload(size_t n, uint8_t type = 94) {
  std::vector<uint8_t> p(n);
  p[0] = type;
  const char* words = "the quick brown fox jumps over the lazy dog ";
  for (size_t i = 1; i < n; ++i) p[i] = uint8_t(words[i % 44]);
  return p;
}

std::vector<uint8_t> random_bytes(size_t n) {
  std::vector<uint8_t> p(n);
  randombytes_buf(p.data(), n);
  return p;
}

std::vector<uint8_t> key64() { return random_bytes(64); }

// One zlib stream the way an OpenSSH client makes it: deflateInit level 6,
// one Z_PARTIAL_FLUSH per packet. Built on zlib directly, so the test does
// not only check lpsshd against itself.
class PeerDeflater {
 public:
  PeerDeflater() { deflateInit(&z_, 6); }
  ~PeerDeflater() { deflateEnd(&z_); }
  std::vector<uint8_t> compress(std::span<const uint8_t> in, int flush = Z_PARTIAL_FLUSH) {
    std::vector<uint8_t> out(in.size() + in.size() / 100 + 1024);
    z_.next_in = const_cast<Bytef*>(in.data());
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = out.data();
    z_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z_, flush), flush == Z_FINISH ? Z_STREAM_END : Z_OK);
    EXPECT_EQ(z_.avail_in, 0u);
    out.resize(out.size() - z_.avail_out);
    return out;
  }

 private:
  z_stream z_{};
};

// A plain packet (no cipher) around an already compressed payload.
std::vector<uint8_t> plain_packet(std::span<const uint8_t> body) {
  PacketEncoder enc;  // no cipher, no compression: body goes in as it is
  std::vector<uint8_t> out;
  enc.encode(body, out);
  return out;
}

}  // namespace

TEST(Compression, RoundTripManyPacketsOneStream) {
  Deflater d;
  Inflater i;
  std::string why;
  size_t compressed_total = 0, plain_total = 0;
  for (size_t n = 1; n < 40000; n = n * 3 + 7) {
    for (int rep = 0; rep < 3; ++rep) {
      const auto in = rep == 2 ? random_bytes(n) : text_payload(n);
      std::vector<uint8_t> z, back;
      ASSERT_TRUE(d.compress(in, z));
      ASSERT_TRUE(i.inflate(z, back, kMaxPacketLength, why)) << why;
      EXPECT_EQ(back, in) << n;
      plain_total += in.size();
      compressed_total += z.size();
    }
  }
  EXPECT_LT(compressed_total, plain_total);  // the shared history pays
}

TEST(Compression, InflatesWhatAnOpenSshStyleDeflaterMakes) {
  PeerDeflater peer;
  Inflater i;
  std::string why;
  for (int k = 0; k < 50; ++k) {
    const auto in = text_payload(100 + k * 700);
    std::vector<uint8_t> back;
    ASSERT_TRUE(i.inflate(peer.compress(in), back, kMaxPacketLength, why)) << why;
    EXPECT_EQ(back, in);
  }
}

TEST(Compression, BombRefusedWithoutLargeAllocation) {
  // 64 MiB of zeros in one packet: about 64 KB compressed.
  PeerDeflater peer;
  const std::vector<uint8_t> zeros(64 << 20, 0);
  const auto bomb = peer.compress(zeros);
  ASSERT_LT(bomb.size(), 100u * 1024);
  Inflater i;
  std::vector<uint8_t> out;
  std::string why;
  EXPECT_FALSE(i.inflate(bomb, out, kMaxPacketLength, why));
  EXPECT_EQ(why, "packet inflates past the maximum packet size");
  EXPECT_LE(out.capacity(), size_t{kMaxPacketLength} + 1) << "never more room than the bound";
  // The stream is dead after that: nothing more is inflated.
  std::vector<uint8_t> more;
  EXPECT_FALSE(i.inflate(PeerDeflater().compress(text_payload(10)), more, kMaxPacketLength, why));
}

TEST(Compression, ExactlyTheBoundPasses) {
  PeerDeflater peer;
  Inflater i;
  std::vector<uint8_t> out;
  std::string why;
  const std::vector<uint8_t> at(1000, 7), over(1001, 7);
  ASSERT_TRUE(i.inflate(peer.compress(at), out, 1000, why)) << why;
  EXPECT_EQ(out, at);
  EXPECT_FALSE(i.inflate(peer.compress(over), out, 1000, why));
}

TEST(Compression, GarbageRefused) {
  std::string why;
  for (int k = 0; k < 200; ++k) {
    Inflater i;
    std::vector<uint8_t> out;
    auto junk = random_bytes(2 + k * 13);
    junk[0] = 0x12;  // not a zlib header (CMF must have method 8)
    EXPECT_FALSE(i.inflate(junk, out, kMaxPacketLength, why));
    EXPECT_TRUE(out.empty());
  }
  // A valid header and then a stream that ends (Z_FINISH): the stream of a
  // connection never ends, so that is refused too.
  PeerDeflater peer;
  Inflater i;
  std::vector<uint8_t> out;
  EXPECT_FALSE(i.inflate(peer.compress(text_payload(50), Z_FINISH), out, kMaxPacketLength, why));
  EXPECT_EQ(why, "compressed stream ended");
}

TEST(Compression, PacketCodecRoundTripEncryptedAndCompressed) {
  const auto k1 = key64();
  PacketEncoder enc;
  PacketDecoder dec;
  enc.set_keys(lpsshd::testing::chacha_keys(k1));
  dec.set_keys(lpsshd::testing::chacha_keys(k1));
  enc.set_compression(true);
  dec.set_compression(true);
  std::vector<uint8_t> wire;
  std::vector<std::vector<uint8_t>> sent;
  for (size_t n = 1; n < 33000; n = n * 2 + 5) {
    sent.push_back(text_payload(n));
    enc.encode(sent.back(), wire);
    sent.push_back(random_bytes(n));
    sent.back()[0] = 94;
    enc.encode(sent.back(), wire);
  }
  size_t off = 0;
  for (const auto& want : sent) {
    std::vector<uint8_t> got;
    std::string why;
    size_t used = 0;
    ASSERT_EQ(dec.decode({wire.data() + off, wire.size() - off}, used, got, why), Result::kPacket)
        << why;
    EXPECT_EQ(got, want);
    off += used;
  }
  EXPECT_EQ(off, wire.size());
}

TEST(Compression, CompressionOffPathUnchanged) {
  PacketEncoder enc;
  PacketDecoder dec;
  const auto p = text_payload(5000);
  std::vector<uint8_t> wire;
  enc.encode(p, wire);
  EXPECT_EQ(wire.size() % 8, 0u);
  EXPECT_GT(wire.size(), p.size()) << "sent as it is";
  std::vector<uint8_t> got;
  std::string why;
  size_t used = 0;
  ASSERT_EQ(dec.decode(wire, used, got, why), Result::kPacket);
  EXPECT_EQ(got, p);
}

TEST(Compression, RestartAtKeyChangeIsAFreshStream) {
  // OpenSSH restarts the stream with each NEWKEYS that negotiates
  // zlib@openssh.com (a fresh stream begins with a zlib header again), and
  // stops compressing at one that negotiates "none". Both ends switch at the
  // same packet.
  PacketEncoder enc;
  PacketDecoder dec;
  auto one = [&](size_t n) {
    std::vector<uint8_t> wire, got;
    enc.encode(text_payload(n), wire);
    std::string why;
    size_t used = 0;
    EXPECT_EQ(dec.decode(wire, used, got, why), Result::kPacket) << why;
    EXPECT_EQ(got, text_payload(n));
    return wire.size();
  };
  enc.set_compression(true);
  dec.set_compression(true);
  const size_t first = one(3000);
  EXPECT_LT(first, 3000u);
  EXPECT_LT(one(3000), first) << "same stream: the history helps";
  enc.set_compression(true);
  dec.set_compression(true);
  EXPECT_EQ(one(3000), first) << "a fresh stream";
  enc.set_compression(false);
  dec.set_compression(false);
  EXPECT_GT(one(3000), 3000u);
  // Only one side restarting is a broken stream: the decoder says so.
  enc.set_compression(true);
  dec.set_compression(true);
  one(100);
  enc.set_compression(true);
  std::vector<uint8_t> wire, got;
  enc.encode(text_payload(100), wire);
  std::string why;
  size_t used = 0;
  EXPECT_EQ(dec.decode(wire, used, got, why), Result::kError);
}

TEST(Compression, DecoderRefusesBombGarbageAndEmptyPayload) {
  std::string why;
  {
    PeerDeflater peer;
    const std::vector<uint8_t> zeros(8 << 20, 0);
    const auto wire = plain_packet(peer.compress(zeros));
    PacketDecoder dec;
    dec.set_compression(true);
    std::vector<uint8_t> got;
    size_t used = 0;
    EXPECT_EQ(dec.decode(wire, used, got, why), Result::kError);
    EXPECT_EQ(why, "packet inflates past the maximum packet size");
    EXPECT_LE(got.capacity(), size_t{kMaxPacketLength} + 1);
  }
  {
    const auto wire = plain_packet(text_payload(100));  // not compressed at all
    PacketDecoder dec;
    dec.set_compression(true);
    std::vector<uint8_t> got;
    size_t used = 0;
    EXPECT_EQ(dec.decode(wire, used, got, why), Result::kError);
  }
  {
    // A valid flush with no data: inflates to nothing, and every message
    // needs its type byte.
    PeerDeflater peer;
    const auto wire = plain_packet(peer.compress({}, Z_SYNC_FLUSH));
    PacketDecoder dec;
    dec.set_compression(true);
    std::vector<uint8_t> got;
    size_t used = 0;
    EXPECT_EQ(dec.decode(wire, used, got, why), Result::kError);
    EXPECT_EQ(why, "compressed packet with an empty payload");
  }
}

TEST(Compression, ServerOffersPerSetting) {
  std::string why;
  auto on = parse_kexinit(build_server_kexinit(default_offer(true)), why);
  auto off = parse_kexinit(build_server_kexinit(default_offer(false)), why);
  ASSERT_TRUE(on && off);
  const std::vector<std::string> both{"none", "zlib@openssh.com"}, none{"none"};
  EXPECT_EQ(on->lists[KexInit::kCompCtoS], both);
  EXPECT_EQ(on->lists[KexInit::kCompStoC], both);
  EXPECT_EQ(off->lists[KexInit::kCompCtoS], none);
  EXPECT_EQ(off->lists[KexInit::kCompStoC], none);
}

TEST(Compression, NegotiatedNamePerDirection) {
  auto client = [](const std::string& ctos, const std::string& stoc) {
    wire::Writer w;
    w.u8(20);
    for (int i = 0; i < 16; ++i) w.u8(0);
    w.string("curve25519-sha256").string("ssh-ed25519");
    w.string("chacha20-poly1305@openssh.com").string("chacha20-poly1305@openssh.com");
    w.string("").string("").string(ctos).string(stoc).string("").string("");
    w.u8(0).u32(0);
    std::string why;
    return *parse_kexinit(w.take(), why);
  };
  std::string why;
  const auto on = *parse_kexinit(build_server_kexinit(default_offer(true)), why);
  const auto off = *parse_kexinit(build_server_kexinit(default_offer(false)), why);
  // ssh -C offers zlib@openssh.com first.
  auto n = negotiate(client("zlib@openssh.com,zlib,none", "zlib@openssh.com,zlib,none"), on, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->comp_ctos, "zlib@openssh.com");
  EXPECT_EQ(n->comp_stoc, "zlib@openssh.com");
  EXPECT_TRUE(delayed_zlib(n->comp_ctos));
  // Directions are independent.
  n = negotiate(client("none,zlib@openssh.com", "zlib@openssh.com,none"), on, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->comp_ctos, "none");
  EXPECT_EQ(n->comp_stoc, "zlib@openssh.com");
  // Compression no: ssh -C still gets none.
  n = negotiate(client("zlib@openssh.com,none", "zlib@openssh.com,none"), off, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->comp_ctos, "none");
  EXPECT_FALSE(delayed_zlib(n->comp_stoc));
  // Plain zlib alone: nothing in common.
  EXPECT_FALSE(negotiate(client("zlib", "zlib"), on, why));
}
