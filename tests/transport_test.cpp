// The SSH transport layer: binary packets (RFC 4253 6), the identification
// line (4.2), KEXINIT parsing and negotiation (7.1), and the exchange hash and
// key derivation (7.2, 8; RFC 8731). Expected values are built in the tests
// from the RFC definitions with libsodium directly.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "tests/packet_keys.h"
#include "crypto/chachapoly.h"
#include "tests/support/hex.h"
#include "transport/kex_hash.h"
#include "transport/kexinit.h"
#include "transport/packet.h"
#include "transport/rekey_policy.h"
#include "transport/version.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::transport;
using Result = PacketDecoder::Result;

namespace {

std::vector<uint8_t> payload_of(size_t n) {
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = uint8_t(i * 31 + n);
  return p;
}

std::vector<uint8_t> random_key() {
  std::vector<uint8_t> k(64);
  randombytes_buf(k.data(), k.size());
  return k;
}

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void put_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

// A plain packet with chosen (possibly wrong) fields, built by hand.
std::vector<uint8_t> raw_plain_packet(uint32_t length, uint8_t padding, size_t body_bytes) {
  std::vector<uint8_t> p(4 + body_bytes, 0x5a);
  put_be32(p.data(), length);
  if (body_bytes > 0) p[4] = padding;
  return p;
}

// The same, sealed with chacha20-poly1305@openssh.com for `seq`, so the
// decoder's checks after the MAC can be reached with bad fields.
std::vector<uint8_t> raw_sealed_packet(std::span<const uint8_t> key, uint32_t seq, uint32_t length,
                                       uint8_t padding, size_t body_bytes) {
  auto p = raw_plain_packet(length, padding, body_bytes);
  p.resize(p.size() + 16);
  crypto::ChachaPoly c(key);
  c.seal(seq, p.data(), 4 + body_bytes, p.data() + 4 + body_bytes);
  return p;
}

// Just the encrypted 4-byte length field for `length` at `seq`.
std::vector<uint8_t> sealed_length(std::span<const uint8_t> key, uint32_t seq, uint32_t length) {
  std::vector<uint8_t> p(4);
  put_be32(p.data(), length);
  uint8_t tag[16];
  crypto::ChachaPoly(key).seal(seq, p.data(), 4, tag);
  return p;
}

Result decode_all(PacketDecoder& d, std::span<const uint8_t> in, std::vector<uint8_t>& payload,
                  std::string& why, size_t& consumed) {
  consumed = 0;
  return d.decode(in, consumed, payload, why);
}

}  // namespace

// ---------------------------------------------------------------------------
// Binary packet protocol

class PacketRoundTrip : public ::testing::TestWithParam<bool> {};

TEST_P(PacketRoundTrip, AllSizesLayoutAndSequence) {
  const bool encrypted = GetParam();
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  if (encrypted) {
    enc.set_keys(lpsshd::testing::chacha_keys(key));
    dec.set_keys(lpsshd::testing::chacha_keys(key));
  }
  crypto::ChachaPoly peek(key);  // independent look at the length and padding
  std::vector<size_t> sizes;
  for (size_t n = 1; n <= 300; ++n) sizes.push_back(n);
  sizes.push_back(32768);
  uint32_t seq = 0;
  for (size_t n : sizes) {
    const auto payload = payload_of(n);
    std::vector<uint8_t> wire_bytes;
    enc.encode(payload, wire_bytes);
    ASSERT_EQ(enc.seq(), seq + 1);

    uint32_t len;
    uint8_t padding;
    if (encrypted) {
      len = peek.packet_length(seq, wire_bytes.data());
      ASSERT_EQ(wire_bytes.size(), 4 + len + 16u);
      std::vector<uint8_t> body(len);
      ASSERT_TRUE(
          peek.open(seq, wire_bytes.data(), 4 + len, wire_bytes.data() + 4 + len, body.data()));
      padding = body[0];
      EXPECT_EQ(len % 8, 0u) << n;  // AEAD: length field outside the alignment
    } else {
      len = be32(wire_bytes.data());
      ASSERT_EQ(wire_bytes.size(), 4 + len);
      padding = wire_bytes[4];
      EXPECT_EQ((4 + len) % 8, 0u) << n;
      EXPECT_TRUE(std::equal(payload.begin(), payload.end(), wire_bytes.begin() + 5));
    }
    EXPECT_GE(padding, 4) << n;
    EXPECT_EQ(len, 1 + n + padding) << n;

    std::vector<uint8_t> out;
    std::string why;
    size_t consumed = 0;
    ASSERT_EQ(dec.decode(wire_bytes, consumed, out, why), Result::kPacket) << n << ": " << why;
    EXPECT_EQ(consumed, wire_bytes.size());
    EXPECT_EQ(out, payload) << n;
    ++seq;
    EXPECT_EQ(dec.seq(), seq);
  }
}

TEST_P(PacketRoundTrip, BackToBackPacketsInOneBuffer) {
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  if (GetParam()) {
    enc.set_keys(lpsshd::testing::chacha_keys(key));
    dec.set_keys(lpsshd::testing::chacha_keys(key));
  }
  std::vector<uint8_t> stream;
  for (size_t n : {5u, 17u, 100u}) enc.encode(payload_of(n), stream);
  size_t off = 0;
  for (size_t n : {5u, 17u, 100u}) {
    std::vector<uint8_t> out;
    std::string why;
    size_t consumed = 0;
    ASSERT_EQ(dec.decode(std::span(stream).subspan(off), consumed, out, why), Result::kPacket);
    EXPECT_EQ(out, payload_of(n));
    off += consumed;
  }
  EXPECT_EQ(off, stream.size());
}

TEST_P(PacketRoundTrip, SequenceNumberWrapsAt2To32) {
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  // The key takes effect at a high sequence number (as after a rekey
  // without strict KEX); wrapping is then no nonce reuse.
  enc.set_seq(0xffffffffu);
  dec.set_seq(0xffffffffu);
  if (GetParam()) {
    enc.set_keys(lpsshd::testing::chacha_keys(key));
    dec.set_keys(lpsshd::testing::chacha_keys(key));
  }
  for (uint32_t expect_after : {0u, 1u}) {
    std::vector<uint8_t> w, out;
    enc.encode(payload_of(10), w);
    EXPECT_EQ(enc.seq(), expect_after);
    std::string why;
    size_t consumed = 0;
    ASSERT_EQ(dec.decode(w, consumed, out, why), Result::kPacket) << why;
    EXPECT_EQ(dec.seq(), expect_after);
    EXPECT_EQ(out, payload_of(10));
  }
}

// chacha20-poly1305's nonce is the sequence number: one key may seal 2^32
// packets and no more. The encoder refuses the packet that would reuse the
// key's first nonce (and everything after it); the decoder refuses to open
// one. A new key starts a new budget.
TEST(PacketKeyUsage, NoNonceIsUsedTwiceUnderOneKey) {
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  enc.set_seq(7), dec.set_seq(7);
  enc.set_keys(lpsshd::testing::chacha_keys(key)), dec.set_keys(lpsshd::testing::chacha_keys(key));
  // Jump to just before the key's first nonce comes round again: one more
  // packet may go (it stops one short of the 2^32 the nonce space holds).
  enc.set_seq(7 - 2), dec.set_seq(7 - 2);
  std::vector<uint8_t> w, out;
  enc.encode(payload_of(10), w);
  ASSERT_FALSE(w.empty());
  EXPECT_FALSE(enc.exhausted());
  std::string why;
  size_t consumed = 0;
  ASSERT_EQ(dec.decode(w, consumed, out, why), Result::kPacket) << why;
  EXPECT_EQ(enc.seq(), 6u);
  EXPECT_TRUE(enc.usage().last_nonce(enc.seq()));
  std::vector<uint8_t> more;
  enc.encode(payload_of(10), more);
  EXPECT_TRUE(more.empty());
  EXPECT_TRUE(enc.exhausted());
  // The peer's next packet is refused before it is even opened.
  PacketEncoder peer;
  peer.set_seq(7), peer.set_keys(lpsshd::testing::chacha_keys(key));
  std::vector<uint8_t> replay;
  peer.encode(payload_of(10), replay);
  EXPECT_EQ(dec.decode(replay, consumed, out, why), Result::kError);
  EXPECT_NE(why.find("nonce"), std::string::npos) << why;
  // New keys: the budget starts again from the current sequence number.
  const auto key2 = random_key();
  PacketDecoder dec2;
  dec2.set_seq(7), dec2.set_keys(lpsshd::testing::chacha_keys(key2));
  PacketEncoder enc2;
  enc2.set_seq(7), enc2.set_keys(lpsshd::testing::chacha_keys(key2));
  std::vector<uint8_t> fresh;
  enc2.encode(payload_of(10), fresh);
  EXPECT_EQ(dec2.decode(fresh, consumed, out, why), Result::kPacket) << why;
}

TEST(PacketKeyUsage, CountsBytesAndPacketsPerKey) {
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  enc.set_keys(lpsshd::testing::chacha_keys(key)), dec.set_keys(lpsshd::testing::chacha_keys(key));
  std::vector<uint8_t> w;
  for (int i = 0; i < 3; ++i) enc.encode(payload_of(100), w);
  EXPECT_EQ(enc.usage().bytes(), w.size());
  EXPECT_EQ(enc.usage().packets(enc.seq()), 3u);
  size_t off = 0;
  std::vector<uint8_t> out;
  std::string why;
  for (int i = 0; i < 3; ++i) {
    size_t used = 0;
    ASSERT_EQ(dec.decode(std::span(w).subspan(off), used, out, why), Result::kPacket);
    off += used;
  }
  EXPECT_EQ(dec.usage().bytes(), w.size());
  enc.set_keys(lpsshd::testing::chacha_keys(key));  // a key change restarts the count
  EXPECT_EQ(enc.usage().bytes(), 0u);
  EXPECT_EQ(enc.usage().packets(enc.seq()), 0u);
}

TEST_P(PacketRoundTrip, EveryStrictPrefixNeedsMore) {
  const auto key = random_key();
  PacketEncoder enc;
  PacketDecoder dec;
  if (GetParam()) {
    enc.set_keys(lpsshd::testing::chacha_keys(key));
    dec.set_keys(lpsshd::testing::chacha_keys(key));
  }
  for (size_t n : {1u, 12u, 300u}) {
    std::vector<uint8_t> w;
    enc.encode(payload_of(n), w);
    for (size_t cut = 0; cut < w.size(); ++cut) {
      std::vector<uint8_t> out;
      std::string why;
      size_t consumed = 0;
      ASSERT_EQ(dec.decode(std::span(w).first(cut), consumed, out, why), Result::kNeedMore)
          << n << " bytes cut at " << cut << ": " << why;
      ASSERT_EQ(dec.seq(), enc.seq() - 1) << "a partial packet must not advance seq";
    }
    std::vector<uint8_t> out;
    std::string why;
    size_t consumed = 0;
    ASSERT_EQ(dec.decode(w, consumed, out, why), Result::kPacket);
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndChacha, PacketRoundTrip, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "chacha" : "plain";
                         });

TEST(PacketDecoder, PlainRejectsBadLengths) {
  std::vector<uint8_t> out;
  std::string why;
  size_t consumed;
  // Largest aligned length still allowed: only needs more bytes.
  {
    PacketDecoder d;
    auto p = raw_plain_packet(kMaxPacketLength - 4, 4, 0);
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kNeedMore);
  }
  for (uint32_t len : {kMaxPacketLength + 4, 0x7ffffffcu, 0xfffffffcu, 13u, 12u + 1, 0u, 4u}) {
    PacketDecoder d;
    auto p = raw_plain_packet(len, 4, 0);
    why.clear();
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kError) << len;
    EXPECT_NE(why.find("length"), std::string::npos) << why;
  }
}

TEST(PacketDecoder, EncryptedRejectsBadLengths) {
  const auto key = random_key();
  std::vector<uint8_t> out;
  std::string why;
  size_t consumed;
  {
    PacketDecoder d;
    d.set_keys(lpsshd::testing::chacha_keys(key));
    auto p = sealed_length(key, 0, kMaxPacketLength);
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kNeedMore);
  }
  for (uint32_t len : {kMaxPacketLength + 8, 12u, 17u, 0u, 0xfffffff8u}) {
    PacketDecoder d;
    d.set_keys(lpsshd::testing::chacha_keys(key));
    d.set_seq(5);
    auto p = sealed_length(key, 5, len);
    why.clear();
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kError) << len;
    EXPECT_NE(why.find("length"), std::string::npos) << why;
  }
}

TEST(PacketDecoder, PlainRejectsBadPadding) {
  std::vector<uint8_t> out;
  std::string why;
  size_t consumed;
  // length 12: padding byte + 11 bytes.
  for (uint8_t pad : {0, 3, 11, 12, 255}) {
    PacketDecoder d;
    auto p = raw_plain_packet(12, pad, 12);
    why.clear();
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kError) << int(pad);
    EXPECT_NE(why.find("padding"), std::string::npos) << why;
  }
  PacketDecoder d;
  auto ok = raw_plain_packet(12, 4, 12);
  EXPECT_EQ(decode_all(d, ok, out, why, consumed), Result::kPacket) << why;
  EXPECT_EQ(out.size(), 7u);
}

TEST(PacketDecoder, EncryptedRejectsBadPadding) {
  const auto key = random_key();
  std::vector<uint8_t> out;
  std::string why;
  size_t consumed;
  for (uint8_t pad : {0, 3, 15, 16, 200}) {
    PacketDecoder d;
    d.set_keys(lpsshd::testing::chacha_keys(key));
    auto p = raw_sealed_packet(key, 0, 16, pad, 16);
    why.clear();
    EXPECT_EQ(decode_all(d, p, out, why, consumed), Result::kError) << int(pad);
    EXPECT_NE(why.find("padding"), std::string::npos) << why;
  }
  PacketDecoder d;
  d.set_keys(lpsshd::testing::chacha_keys(key));
  auto ok = raw_sealed_packet(key, 0, 16, 4, 16);
  EXPECT_EQ(decode_all(d, ok, out, why, consumed), Result::kPacket) << why;
  EXPECT_EQ(out.size(), 11u);
}

TEST(PacketDecoder, RejectsMacFailure) {
  const auto key = random_key();
  PacketEncoder enc;
  enc.set_keys(lpsshd::testing::chacha_keys(key));
  std::vector<uint8_t> w;
  enc.encode(payload_of(40), w);
  for (size_t i : {size_t{5}, size_t{20}, w.size() - 1}) {
    auto bad = w;
    bad[i] ^= 0x40;
    PacketDecoder d;
    d.set_keys(lpsshd::testing::chacha_keys(key));
    std::vector<uint8_t> out;
    std::string why;
    size_t consumed = 0;
    EXPECT_EQ(d.decode(bad, consumed, out, why), Result::kError) << i;
    EXPECT_NE(why.find("message authentication code"), std::string::npos) << why;
  }
  // The wrong key, or the wrong sequence number, fails the same way.
  PacketDecoder other;
  other.set_keys(lpsshd::testing::chacha_keys(random_key()));
  std::vector<uint8_t> out;
  std::string why;
  size_t consumed = 0;
  EXPECT_EQ(other.decode(w, consumed, out, why), Result::kError);
  PacketDecoder late;
  late.set_keys(lpsshd::testing::chacha_keys(key));
  late.set_seq(1);
  EXPECT_EQ(late.decode(w, consumed, out, why), Result::kError);
}

// ---------------------------------------------------------------------------
// Identification string

namespace {
VersionParser::Status parse_version(VersionParser& p, std::string_view s) {
  return p.parse(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}
}  // namespace

TEST(Version, AcceptsOpenSshLineWithCrLf) {
  const std::string line = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
  const std::string buf = line + "\x00\x00\x01\x2c";  // first packet bytes follow
  VersionParser p;
  ASSERT_EQ(parse_version(p, buf), VersionParser::Status::kDone) << p.error();
  EXPECT_EQ(p.version(), "SSH-2.0-OpenSSH_9.2p1 Debian-2");
  EXPECT_EQ(p.consumed(), line.size());
}

TEST(Version, AcceptsLfOnly) {
  VersionParser p;
  ASSERT_EQ(parse_version(p, "SSH-2.0-x\nrest"), VersionParser::Status::kDone);
  EXPECT_EQ(p.version(), "SSH-2.0-x");
  EXPECT_EQ(p.consumed(), 10u);
}

TEST(Version, SkipsLinesBeforeTheSshLine) {
  const std::string pre = "hello there\r\nsecond line\n\r\n";
  const std::string line = "SSH-2.0-client\r\n";
  VersionParser p;
  ASSERT_EQ(parse_version(p, pre + line + "XYZ"), VersionParser::Status::kDone) << p.error();
  EXPECT_EQ(p.version(), "SSH-2.0-client");
  EXPECT_EQ(p.consumed(), pre.size() + line.size());
}

TEST(Version, EveryPrefixNeedsMore) {
  const std::string all = "banner\r\nSSH-2.0-OpenSSH_9.2p1\r\n";
  for (size_t cut = 0; cut < all.size(); ++cut) {
    VersionParser p;
    EXPECT_EQ(parse_version(p, all.substr(0, cut)), VersionParser::Status::kNeedMore) << cut;
  }
}

TEST(Version, AcceptsProtocol199AsCompatible) {
  VersionParser p;
  EXPECT_EQ(parse_version(p, "SSH-1.99-old\r\n"), VersionParser::Status::kDone);
}

TEST(Version, RejectsSsh1) {
  VersionParser p;
  EXPECT_EQ(parse_version(p, "SSH-1.5-old\r\n"), VersionParser::Status::kError);
  EXPECT_FALSE(p.error().empty());
  VersionParser q;
  EXPECT_EQ(parse_version(q, "SSH-3.0-future\r\n"), VersionParser::Status::kError);
}

TEST(Version, LineLengthLimitIs255IncludingCrLf) {
  const std::string head = "SSH-2.0-";
  VersionParser ok;
  const std::string max_line = head + std::string(253 - head.size(), 'a') + "\r\n";
  ASSERT_EQ(max_line.size(), 255u);
  EXPECT_EQ(parse_version(ok, max_line), VersionParser::Status::kDone) << ok.error();

  VersionParser over;
  const std::string long_line = head + std::string(254 - head.size(), 'a') + "\r\n";
  EXPECT_EQ(parse_version(over, long_line), VersionParser::Status::kError);

  // A 300-byte line, complete or still arriving, is refused without waiting.
  const std::string line300 = head + std::string(300 - head.size() - 2, 'b') + "\r\n";
  VersionParser full, partial, pre;
  EXPECT_EQ(parse_version(full, line300), VersionParser::Status::kError);
  EXPECT_EQ(parse_version(partial, line300.substr(0, 280)), VersionParser::Status::kError);
  EXPECT_EQ(parse_version(pre, std::string(300, 'x') + "\nSSH-2.0-a\n"),
            VersionParser::Status::kError);
}

TEST(Version, AtMost64LinesBeforeTheSshLine) {
  std::string lines;
  for (int i = 0; i < 64; ++i) lines += "line\r\n";
  VersionParser ok;
  EXPECT_EQ(parse_version(ok, lines + "SSH-2.0-x\r\n"), VersionParser::Status::kDone) << ok.error();
  VersionParser too_many;
  EXPECT_EQ(parse_version(too_many, lines + "line\r\nSSH-2.0-x\r\n"),
            VersionParser::Status::kError);
  // Even before the SSH- line arrives, the 65th line is enough to refuse.
  VersionParser early;
  EXPECT_EQ(parse_version(early, lines + "line\r\n"), VersionParser::Status::kError);
}

TEST(Version, RejectsTooManyPreVersionBytes) {
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += std::string(250, 'z') + "\n";  // 10 KB in 40 lines
  VersionParser p;
  EXPECT_EQ(parse_version(p, lines + "SSH-2.0-x\r\n"), VersionParser::Status::kError);
}

TEST(Version, RejectsNul) {
  VersionParser p;
  EXPECT_EQ(parse_version(p, std::string("SSH-2.0-a\0b\r\n", 13)), VersionParser::Status::kError);
  EXPECT_NE(p.error().find("NUL"), std::string::npos) << p.error();
}

TEST(Version, ServerVersionIsAValidSsh2Line) {
  const std::string v = server_version_string();
  EXPECT_EQ(v.rfind("SSH-2.0-lpsshd_", 0), 0u);
  EXPECT_LE(v.size() + 2, kMaxVersionLine);
  EXPECT_EQ(v.find_first_of("\r\n "), std::string::npos);
}

// ---------------------------------------------------------------------------
// KEXINIT

namespace {

// A KEXINIT as OpenSSH 9.2's client sends it (lists from its defaults).
struct ClientKexInit {
  std::string kex =
      "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ext-info-c,"
      "kex-strict-c-v00@openssh.com";
  std::string hostkey =
      "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
      "rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,"
      "rsa-sha2-256";
  std::string cipher_ctos =
      "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
      "aes256-gcm@openssh.com";
  std::string cipher_stoc = cipher_ctos;
  std::string mac =
      "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
      "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
      "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
  std::string mac_ctos = mac, mac_stoc = mac;
  std::string comp = "none,zlib@openssh.com";
  std::string lang = "";
  uint8_t follows = 0;
  uint32_t reserved = 0;

  std::vector<uint8_t> build() const {
    wire::Writer w;
    w.u8(20);
    for (uint8_t i = 0; i < 16; ++i) w.u8(uint8_t(0xc0 + i));
    w.string(kex).string(hostkey).string(cipher_ctos).string(cipher_stoc);
    w.string(mac_ctos).string(mac_stoc).string(comp).string(comp).string(lang).string(lang);
    w.u8(follows).u32(reserved);
    return w.take();
  }
};

KexInit parse_ok(const std::vector<uint8_t>& payload) {
  std::string why;
  auto k = parse_kexinit(payload, why);
  EXPECT_TRUE(k.has_value()) << why;
  return k.value_or(KexInit{});
}

KexInit server_kexinit() { return parse_ok(build_server_kexinit(default_offer(true))); }

std::optional<Negotiated> negotiate_with(const ClientKexInit& c, std::string& why) {
  return negotiate(parse_ok(c.build()), server_kexinit(), why);
}

bool parse_fails(const std::vector<uint8_t>& payload) {
  std::string why;
  auto k = parse_kexinit(payload, why);
  return !k.has_value() && !why.empty();
}

}  // namespace

TEST(KexInit, ParsesOpenSshClientKexInit) {
  const ClientKexInit c;
  const auto k = parse_ok(c.build());
  for (uint8_t i = 0; i < 16; ++i) EXPECT_EQ(k.cookie[i], 0xc0 + i);
  EXPECT_EQ(k.lists[KexInit::kKex],
            (std::vector<std::string>{"curve25519-sha256", "curve25519-sha256@libssh.org",
                                      "ecdh-sha2-nistp256", "ext-info-c",
                                      "kex-strict-c-v00@openssh.com"}));
  EXPECT_EQ(k.lists[KexInit::kHostKey].size(), 7u);
  EXPECT_EQ(k.lists[KexInit::kCipherStoC].front(), "chacha20-poly1305@openssh.com");
  EXPECT_EQ(k.lists[KexInit::kMacStoC].size(), 10u);
  EXPECT_EQ(k.lists[KexInit::kCompCtoS], (std::vector<std::string>{"none", "zlib@openssh.com"}));
  EXPECT_TRUE(k.lists[KexInit::kLangCtoS].empty());
  EXPECT_FALSE(k.first_kex_packet_follows);
}

// The KEXINIT carries the offer as given (the monitor narrows it to what
// is implemented and loaded: MonitorKex tests), and never an empty MAC list.
TEST(KexInit, ServerKexInitCarriesTheOffer) {
  const auto a = build_server_kexinit(default_offer(true));
  const auto b = build_server_kexinit(default_offer(true));
  const auto k = parse_ok(a);
  EXPECT_EQ(a[0], 20);
  EXPECT_FALSE(std::equal(a.begin() + 1, a.begin() + 17, b.begin() + 1)) << "cookie is random";
  auto expected = [](AlgorithmKind kind) {
    auto v = default_algorithms(kind);
    return std::vector<std::string>(v.begin(), v.end());
  };
  auto kex = expected(AlgorithmKind::kKex);
  kex.push_back("kex-strict-s-v00@openssh.com");
  EXPECT_EQ(k.lists[KexInit::kKex], kex);
  EXPECT_EQ(k.lists[KexInit::kHostKey], expected(AlgorithmKind::kHostKey));
  EXPECT_EQ(k.lists[KexInit::kCipherCtoS], expected(AlgorithmKind::kCipher));
  EXPECT_EQ(k.lists[KexInit::kCipherStoC], expected(AlgorithmKind::kCipher));
  EXPECT_EQ(k.lists[KexInit::kMacCtoS], expected(AlgorithmKind::kMac));
  EXPECT_EQ(k.lists[KexInit::kMacStoC], expected(AlgorithmKind::kMac));
  EXPECT_FALSE(k.lists[KexInit::kMacCtoS].empty());
  // OpenSSH's default order: chacha20-poly1305, AES-GCM, AES-CTR; etm MACs first.
  EXPECT_EQ(k.lists[KexInit::kCipherCtoS],
            (std::vector<std::string>{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                                      "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr",
                                      "aes256-ctr"}));
  EXPECT_EQ(k.lists[KexInit::kMacCtoS],
            (std::vector<std::string>{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
                                      "hmac-sha2-256", "hmac-sha2-512"}));
  EXPECT_EQ(k.lists[KexInit::kCompStoC], (std::vector<std::string>{"none", "zlib@openssh.com"}));
  EXPECT_FALSE(k.first_kex_packet_follows);
}

// An AEAD needs no MAC: none is chosen even when the client lists some we
// share, and a client listing none we know still connects. A cipher with
// a MAC takes the client's first common MAC, per direction.
TEST(KexInit, MacIsChosenOnlyForCiphersWithoutOwnIntegrity) {
  std::string why;
  ClientKexInit c;
  c.cipher_ctos = "aes256-gcm@openssh.com";
  c.cipher_stoc = "aes128-ctr";
  c.mac_ctos = "umac-64-etm@openssh.com";  // nothing we know: fine for an AEAD
  c.mac_stoc = "umac-64-etm@openssh.com,hmac-sha2-512,hmac-sha2-256-etm@openssh.com";
  auto n = negotiate_with(c, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->mac_ctos, "");
  EXPECT_EQ(n->mac_stoc, "hmac-sha2-512");
  c.cipher_ctos = "aes192-ctr";  // now the unknown MAC list fails
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching MAC found");
}

TEST(KexInit, NegotiatesOpenSshClient) {
  std::string why;
  auto n = negotiate_with(ClientKexInit{}, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kex, "curve25519-sha256");
  EXPECT_EQ(n->hostkey, "ssh-ed25519");
  EXPECT_EQ(n->cipher_ctos, "chacha20-poly1305@openssh.com");
  EXPECT_EQ(n->cipher_stoc, "chacha20-poly1305@openssh.com");
  EXPECT_TRUE(n->strict_kex);
  EXPECT_TRUE(n->client_ext_info);
  EXPECT_FALSE(n->ignore_guessed);
}

TEST(KexInit, PicksClientsFirstCommonChoice) {
  ClientKexInit c;
  c.kex = "sntrup4591761x25519-sha512@tinyssh.org,curve25519-sha256@libssh.org,curve25519-sha256";
  c.cipher_ctos = "aes256-cbc,aes256-ctr,chacha20-poly1305@openssh.com";
  std::string why;
  auto n = negotiate_with(c, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kex, "curve25519-sha256@libssh.org");
  EXPECT_EQ(n->cipher_ctos, "aes256-ctr");
  EXPECT_FALSE(n->strict_kex);
  EXPECT_FALSE(n->client_ext_info);
}

TEST(KexInit, NoCommonAlgorithmNamesTheList) {
  std::string why;
  ClientKexInit c;
  c.cipher_stoc = "aes128-cbc,3des-cbc";
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching cipher found");

  c = ClientKexInit{};
  c.kex = "diffie-hellman-group14-sha256,ext-info-c,kex-strict-c-v00@openssh.com";
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching key exchange method found");

  c = ClientKexInit{};
  c.hostkey = "ssh-rsa,ssh-dss";
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching host key type found");

  c = ClientKexInit{};
  c.comp = "zlib";  // non-delayed zlib is never offered
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching compression method found");

  c.comp = "zlib@openssh.com";  // Compression no: "none" only
  EXPECT_FALSE(negotiate(parse_ok(c.build()), parse_ok(build_server_kexinit(default_offer(false))), why));
  EXPECT_EQ(why, "no matching compression method found");
}

TEST(KexInit, ServerStrictKexMarkerIsNeverChosen) {
  ClientKexInit c;
  c.kex = "kex-strict-s-v00@openssh.com,curve25519-sha256";
  std::string why;
  auto n = negotiate_with(c, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kex, "curve25519-sha256");

  c.kex = "kex-strict-s-v00@openssh.com";
  EXPECT_FALSE(negotiate_with(c, why));
  EXPECT_EQ(why, "no matching key exchange method found");
}

TEST(KexInit, FirstKexPacketFollowsGuess) {
  std::string why;
  // The guess is right when the client's first KEX and host key algorithms
  // are the server's first ones too.
  ClientKexInit right;
  right.kex = "mlkem768x25519-sha256,curve25519-sha256";
  right.hostkey = "ssh-ed25519,rsa-sha2-512";
  right.follows = 1;
  auto n = negotiate_with(right, why);
  ASSERT_TRUE(n) << why;
  EXPECT_FALSE(n->ignore_guessed);

  // The client's first is negotiated, but the server prefers another: the
  // guess is wrong (RFC 4253 7), as the client (Dropbear) also judges it,
  // and it sends its KEX_ECDH_INIT again.
  ClientKexInit server_prefers_other = right;
  server_prefers_other.kex = "curve25519-sha256,mlkem768x25519-sha256";
  n = negotiate_with(server_prefers_other, why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kex, "curve25519-sha256");
  EXPECT_TRUE(n->ignore_guessed);

  ClientKexInit wrong_kex = right;
  wrong_kex.kex = "diffie-hellman-group14-sha256,curve25519-sha256";
  n = negotiate_with(wrong_kex, why);
  ASSERT_TRUE(n) << why;
  EXPECT_TRUE(n->ignore_guessed);

  ClientKexInit wrong_hostkey = right;
  wrong_hostkey.hostkey = "ssh-dss,ssh-ed25519";
  n = negotiate_with(wrong_hostkey, why);
  ASSERT_TRUE(n) << why;
  EXPECT_TRUE(n->ignore_guessed);

  // Without the flag there is no guess to ignore.
  ClientKexInit no_guess = wrong_kex;
  no_guess.follows = 0;
  n = negotiate_with(no_guess, why);
  ASSERT_TRUE(n) << why;
  EXPECT_FALSE(n->ignore_guessed);
}

TEST(KexInit, RejectsMalformedNameLists) {
  for (const char* bad : {"a,,b", ",a", "a,", ",", "a b", "a\tb", "caf\xc3\xa9"}) {
    ClientKexInit c;
    c.cipher_ctos = bad;
    EXPECT_TRUE(parse_fails(c.build())) << bad;
    c = ClientKexInit{};
    c.lang = bad;
    EXPECT_TRUE(parse_fails(c.build())) << bad;
  }
  ClientKexInit c;
  c.kex = std::string(kMaxNameLength, 'k');
  EXPECT_FALSE(parse_fails(c.build()));
  c.kex = std::string(kMaxNameLength + 1, 'k');
  EXPECT_TRUE(parse_fails(c.build()));

  std::string many;
  for (size_t i = 0; i < kMaxNamesPerList; ++i) many += (i ? ",n" : "n") + std::to_string(i);
  c.kex = many;
  EXPECT_FALSE(parse_fails(c.build()));
  c.kex = many + ",extra";
  EXPECT_TRUE(parse_fails(c.build()));
}

TEST(KexInit, RejectsTruncationTrailingBytesAndWrongType) {
  const auto good = ClientKexInit{}.build();
  for (size_t cut = 0; cut < good.size(); ++cut)
    ASSERT_TRUE(parse_fails(std::vector<uint8_t>(good.begin(), good.begin() + cut))) << cut;
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_TRUE(parse_fails(trailing));
  auto wrong_type = good;
  wrong_type[0] = 21;
  EXPECT_TRUE(parse_fails(wrong_type));
  // A nonzero reserved field is tolerated (RFC 4253 says "reserved for future extension").
  ClientKexInit c;
  c.reserved = 7;
  EXPECT_FALSE(parse_fails(c.build()));
}

TEST(KexInit, RejectsOversizedPayload) {
  // Lists at the per-list limits (128 names of 64 bytes, about 8 KiB each):
  // two of them fit in kMaxKexInit, four do not.
  std::string full;
  for (size_t i = 0; i < kMaxNamesPerList; ++i) {
    std::string name = std::to_string(i);
    name += std::string(kMaxNameLength - name.size(), 'n');
    full += (i ? "," : "") + name;
  }
  ClientKexInit c;
  c.mac_ctos = c.mac_stoc = full;  // both MAC lists
  c.lang = full;  // both language lists
  EXPECT_GT(c.build().size(), kMaxKexInit);
  EXPECT_TRUE(parse_fails(c.build()));
  c.lang = "";
  EXPECT_LT(c.build().size(), kMaxKexInit);
  EXPECT_FALSE(parse_fails(c.build()));
}

TEST(KexInit, ClientKexInitAcceptableSaysWhyForTheClient) {
  std::string why;
  EXPECT_TRUE(client_kexinit_acceptable(ClientKexInit{}.build(), why)) << why;

  // Over the size cap: the reason gives both sizes.
  std::string full;
  for (size_t i = 0; i < kMaxNamesPerList; ++i) {
    std::string name = std::to_string(i);
    name += std::string(kMaxNameLength - name.size(), 'n');
    full += (i ? "," : "") + name;
  }
  ClientKexInit big;
  big.mac_ctos = big.mac_stoc = full;
  big.lang = full;
  const auto payload = big.build();
  ASSERT_GT(payload.size(), kMaxKexInit);
  EXPECT_FALSE(client_kexinit_acceptable(payload, why));
  EXPECT_EQ(why, "KEXINIT too large (" + std::to_string(payload.size()) + " bytes, at most " +
                     std::to_string(kMaxKexInit) + ")");

  // Per-list limits name the list and the limit.
  ClientKexInit many;
  many.cipher_ctos = full + ",extra";
  EXPECT_FALSE(client_kexinit_acceptable(many.build(), why));
  EXPECT_EQ(why, "malformed KEXINIT name-list encryption_algorithms_client_to_server: more "
                 "than 128 names");
  ClientKexInit long_name;
  long_name.lang = std::string(kMaxNameLength + 1, 'l');
  EXPECT_FALSE(client_kexinit_acceptable(long_name.build(), why));
  EXPECT_EQ(why, "malformed KEXINIT name-list languages_client_to_server: a name longer than 64 "
                 "bytes");
  ClientKexInit empty_name;
  empty_name.kex = "curve25519-sha256,,x";
  EXPECT_FALSE(client_kexinit_acceptable(empty_name.build(), why));
  EXPECT_EQ(why, "malformed KEXINIT name-list kex_algorithms: an empty name");
}

// ---------------------------------------------------------------------------
// Exchange hash and key derivation

namespace {
crypto::SecretBytes secret_of(std::vector<uint8_t> v) { return crypto::SecretBytes(v); }
std::vector<uint8_t> bytes_of(const crypto::SecretBytes& s) {
  return {s.span().begin(), s.span().end()};
}
}  // namespace

TEST(KexHash, MpintStripsLeadingZeros) {
  std::vector<uint8_t> raw(32);
  for (size_t i = 0; i < 32; ++i) raw[i] = uint8_t(i);  // 00 01 02 ... 1f
  const auto m = bytes_of(shared_secret_mpint(secret_of(raw)));
  std::vector<uint8_t> expect = {0, 0, 0, 31};
  expect.insert(expect.end(), raw.begin() + 1, raw.end());
  EXPECT_EQ(m, expect);
}

TEST(KexHash, MpintPrependsZeroWhenTopBitSet) {
  std::vector<uint8_t> raw(32, 0x11);
  raw[0] = 0x80;
  const auto m = bytes_of(shared_secret_mpint(secret_of(raw)));
  std::vector<uint8_t> expect = {0, 0, 0, 33, 0};
  expect.insert(expect.end(), raw.begin(), raw.end());
  EXPECT_EQ(m, expect);
}

TEST(KexHash, MpintAllZeroButLast) {
  std::vector<uint8_t> raw(32, 0);
  raw[31] = 0x05;
  EXPECT_EQ(bytes_of(shared_secret_mpint(secret_of(raw))), (std::vector<uint8_t>{0, 0, 0, 1, 5}));
  raw[31] = 0xff;
  EXPECT_EQ(bytes_of(shared_secret_mpint(secret_of(raw))),
            (std::vector<uint8_t>{0, 0, 0, 2, 0, 0xff}));
  // Several leading zeros before a top-bit byte.
  std::vector<uint8_t> raw2(32, 0x01);
  raw2[0] = raw2[1] = raw2[2] = 0;
  raw2[3] = 0x90;
  std::vector<uint8_t> expect = {0, 0, 0, 30, 0};
  expect.insert(expect.end(), raw2.begin() + 3, raw2.end());
  EXPECT_EQ(bytes_of(shared_secret_mpint(secret_of(raw2))), expect);
  // Zero is the empty mpint.
  EXPECT_EQ(bytes_of(shared_secret_mpint(secret_of(std::vector<uint8_t>(32, 0)))),
            (std::vector<uint8_t>{0, 0, 0, 0}));
}

TEST(KexHash, ExchangeHashMatchesRfcFieldOrder) {
  const std::string vc = "SSH-2.0-OpenSSH_9.2p1 Debian-2", vs = "SSH-2.0-lpsshd_0.1.0";
  const auto ic = ClientKexInit{}.build();
  const auto is = build_server_kexinit(default_offer(true));
  std::vector<uint8_t> ks(51, 0x4b), qc(32), qs(32);
  randombytes_buf(qc.data(), qc.size());
  randombytes_buf(qs.data(), qs.size());
  std::vector<uint8_t> raw_k(32);
  randombytes_buf(raw_k.data(), raw_k.size());
  raw_k[0] = 0xf0;  // top bit: the mpint gets a leading zero
  const auto k = shared_secret_mpint(secret_of(raw_k));

  ExchangeHashInputs in{vc, vs, ic, is, ks, qc, qs};
  const auto h = exchange_hash(KexHash::kSha256, in, k);

  wire::Writer w;
  w.string(vc).string(vs).string(ic).string(is).string(ks).string(qc).string(qs);
  w.u32(33).u8(0).raw(raw_k);  // mpint K
  uint8_t expect[32];
  crypto_hash_sha256(expect, w.bytes().data(), w.size());
  EXPECT_EQ(std::vector<uint8_t>(h.begin(), h.end()), std::vector<uint8_t>(expect, expect + 32));

  // Every input matters: swapping Q_C and Q_S changes H.
  ExchangeHashInputs swapped{vc, vs, ic, is, ks, qs, qc};
  EXPECT_NE(exchange_hash(KexHash::kSha256, swapped, k), h);
}

TEST(KexHash, DeriveKeyExtendsPerRfc4253) {
  std::vector<uint8_t> raw_k(32);
  randombytes_buf(raw_k.data(), raw_k.size());
  raw_k[0] = 0x7f;
  const auto k = shared_secret_mpint(secret_of(raw_k));
  std::vector<uint8_t> h(32), sid(32);
  randombytes_buf(h.data(), h.size());
  randombytes_buf(sid.data(), sid.size());

  auto hash = [](std::initializer_list<std::span<const uint8_t>> parts) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (auto p : parts) crypto_hash_sha256_update(&st, p.data(), p.size());
    std::vector<uint8_t> d(32);
    crypto_hash_sha256_final(&st, d.data());
    return d;
  };
  const uint8_t letter_c = 'C';
  const auto k1 = hash({k.span(), h, std::span(&letter_c, 1), sid});
  const auto k2 = hash({k.span(), h, k1});
  std::vector<uint8_t> k1k2 = k1;
  k1k2.insert(k1k2.end(), k2.begin(), k2.end());
  const auto k3 = hash({k.span(), h, k1k2});

  EXPECT_EQ(bytes_of(derive_key(KexHash::kSha256, k, h, 'C', sid, 64)), k1k2);
  EXPECT_EQ(bytes_of(derive_key(KexHash::kSha256, k, h, 'C', sid, 16)),
            std::vector<uint8_t>(k1.begin(), k1.begin() + 16));
  std::vector<uint8_t> k96 = k1k2;
  k96.insert(k96.end(), k3.begin(), k3.end());
  EXPECT_EQ(bytes_of(derive_key(KexHash::kSha256, k, h, 'C', sid, 96)), k96);

  // The letter and the session id are inputs.
  EXPECT_NE(bytes_of(derive_key(KexHash::kSha256, k, h, 'D', sid, 64)), k1k2);
  EXPECT_NE(bytes_of(derive_key(KexHash::kSha256, k, h, 'C', h, 64)), k1k2);
}

// Fixed answers from Python's hashlib (an independent SHA-256) for every
// size a row asks for: 12 (GCM IV), 16 (AES-128 key, CTR IV), 24 (AES-192),
// 32 (AES-256, hmac-sha2-256) and 64 (chacha20-poly1305, hmac-sha2-512: one
// extension round). K is an mpint with a sign byte (value 0x81..0xa0).
TEST(KexHash, DeriveKeyKnownAnswersForEveryRowSize) {
  std::vector<uint8_t> raw(32);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = uint8_t(0x81 + i);
  const auto k = shared_secret_mpint(secret_of(raw));
  ASSERT_EQ(k.size(), 4u + 33u);
  const std::vector<uint8_t> h(32, 0x11), sid(32, 0x22);
  auto hex = [](const crypto::SecretBytes& b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t c : b.span()) s += {d[c >> 4], d[c & 15]};
    return s;
  };
  struct Case {
    char letter;
    size_t bytes;
    const char* want;
  } cases[] = {
      {'A', 12, "6b612fab7da9772a34639a65"},
      {'B', 16, "4202152f27927e37f85f165714018cef"},
      {'C', 16, "81aa0c4eae41d0f1ddc1c1def53a249a"},
      {'D', 24, "979f68a22d060ac39a9c44b294a466820ec3c9d0a80f80a8"},
      {'C', 32, "81aa0c4eae41d0f1ddc1c1def53a249a90473223c95245071459a4ef4dad9ded"},
      {'E', 32, "4853d6771a1b0beeba6f72619e9d913eba2d8de86432e600a5a69123d106c2fd"},
      {'F', 64,
       "79bc10e1d7d63e25bde4918082f4bce5f7a78c5261c45a95b855b57270c4d2a6c7bd24866a86a2ed2502c069da8e7529d701b804404d6c0f8eccb2a6b5d48dc2"},
      {'C', 64,
       "81aa0c4eae41d0f1ddc1c1def53a249a90473223c95245071459a4ef4dad9ded148ff51f94ae81f71d09843e833325776b1c135343412d27fb57f4d6ab214c49"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(hex(derive_key(KexHash::kSha256, k, h, c.letter, sid, c.bytes)), c.want) << c.letter << " " << c.bytes;
}

// The hybrids' K is string(HASH(KEM secret || X25519 secret)), not an
// mpint: no sign byte, no stripped zeros. sntrup761x25519-sha512 derives
// its keys with SHA-512 (64-byte blocks, extended the same way) and its H
// is a SHA-512. Answers from Python's hashlib.
TEST(KexHash, HybridSecretIsAStringAndSha512KnownAnswers) {
  std::vector<uint8_t> kem(32), x(32);
  for (size_t i = 0; i < 32; ++i) kem[i] = uint8_t(i), x[i] = uint8_t(32 + i);
  using test::hex;
  EXPECT_EQ(hex(hybrid_shared_secret(KexHash::kSha256, kem, x).span()),
            "00000020fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108");
  const auto k = hybrid_shared_secret(KexHash::kSha512, kem, x);
  EXPECT_EQ(hex(k.span()),
            "00000040ee4320ebaf3fdb4f2c832b137200c08e235e0fa7bbd0eb1740c7063ba8a0d151da77e003398e1714a955"
            "d475b05e3e950b639503b452ec185de4229bc4873949");
  const std::vector<uint8_t> h(64, 0x11), sid(64, 0x22);
  struct Case {
    char letter;
    size_t bytes;
    const char* want;
  } cases[] = {
      {'A', 12, "84765346b04faaecd77b0090"},
      {'E', 32, "dfb52b0c85b17d9c7d5fd1fc47d2841af99daa9818cbf06d1aa61d39f379e0e7"},
      {'C', 64,
       "7e906377e60d3aca0f1101955e8e92887df2a0a943a0d80f3afa2fefea50f8c6c33ceafb40bda7a5ea48d31ac42127d135e6de4b5711e706a25fbd05ae674079"},
      {'D', 96,
       "f62cca39873689d85bae122d68e192b4119e944d5e988df31b83e43d6239e6154eae98c0ec883e9ab299b9e1ac223f913841de84f9ceae4a527a8fb40b6f1fb54c55a7aed0f31a490e09e742d829d648a0cc1e7d935f4a7ca0b2affa8ced6c15"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(hex(derive_key(KexHash::kSha512, k, h, c.letter, sid, c.bytes).span()), c.want)
        << c.letter << " " << c.bytes;

  // H with SHA-512: 64 bytes, the same fields, K appended as encoded.
  const std::string vc = "SSH-2.0-OpenSSH_9.2p1 Debian-2", vs = "SSH-2.0-lpsshd_0.1.0";
  const auto ic = ClientKexInit{}.build();
  const auto is = build_server_kexinit(default_offer(true));
  std::vector<uint8_t> ks(51, 0x4b), qc(1190, 0x5c), qs(1071, 0x5d);
  const auto h512 = exchange_hash(KexHash::kSha512, ExchangeHashInputs{vc, vs, ic, is, ks, qc, qs}, k);
  wire::Writer w;
  w.string(vc).string(vs).string(ic).string(is).string(ks).string(qc).string(qs).raw(k.span());
  std::vector<uint8_t> expect(64);
  crypto_hash_sha512(expect.data(), w.bytes().data(), w.size());
  EXPECT_EQ(h512, expect);
}

// The KEX table: OpenSSH 10's default order, each method's exact sizes, and
// the bounds the monitor protocol takes from it.
TEST(KexTable, DefaultOrderSizesAndBounds) {
  const auto d = default_algorithms(AlgorithmKind::kKex);
  EXPECT_EQ(std::vector<std::string>(d.begin(), d.end()),
            (std::vector<std::string>{"mlkem768x25519-sha256", "sntrup761x25519-sha512",
                                      "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                                      "curve25519-sha256@libssh.org"}));
  const auto* mlkem = find_kex("mlkem768x25519-sha256");
  const auto* sntrup = find_kex("sntrup761x25519-sha512@openssh.com");
  ASSERT_TRUE(mlkem && sntrup);
  EXPECT_EQ(mlkem->client_public_bytes, 1216u);
  EXPECT_EQ(mlkem->server_public_bytes, 1120u);
  EXPECT_EQ(sntrup->client_public_bytes, 1190u);
  EXPECT_EQ(sntrup->server_public_bytes, 1071u);
  EXPECT_EQ(kex_hash_bytes(mlkem->hash), 32u);
  EXPECT_EQ(kex_hash_bytes(sntrup->hash), 64u);
  EXPECT_TRUE(mlkem->post_quantum && sntrup->post_quantum);
  EXPECT_FALSE(find_kex("curve25519-sha256")->post_quantum);
  EXPECT_EQ(max_kex_client_public(), 1216u);
  EXPECT_EQ(max_kex_server_public(), 1120u);
  EXPECT_TRUE(is_kex_hash_size(32) && is_kex_hash_size(64));
  EXPECT_FALSE(is_kex_hash_size(48) || is_kex_hash_size(0));
}

// ---- RekeyLimit -------------------------------------------------------------

namespace rekey {
using transport::KeyUsage;
using transport::RekeyDue;
using transport::RekeyLimits;

RekeyDue due(const KeyUsage& send, uint32_t send_seq, const KeyUsage& recv, uint32_t recv_seq,
             RekeyLimits limits = {}, uint64_t now_ms = 0, uint64_t keyed_ms = 0,
             bool exchanging = false) {
  return transport::rekey_due({send, send_seq}, {recv, recv_seq}, limits, now_ms, keyed_ms, exchanging);
}

TEST(RekeyPolicy, DefaultsByCipherAreOpenSshs) {
  EXPECT_EQ(transport::default_rekey_bytes(8), uint64_t{1} << 30);        // chacha20-poly1305
  EXPECT_EQ(transport::default_rekey_bytes(16), uint64_t{1} << 36);       // AES: 2^32 blocks
  EXPECT_EQ(transport::effective_rekey_bytes(0, 8), uint64_t{1} << 30);
  EXPECT_EQ(transport::effective_rekey_bytes(1 << 20, 8), uint64_t{1} << 20);
  EXPECT_EQ(transport::effective_rekey_bytes(uint64_t{4} << 30, 8), uint64_t{1} << 30);
}

// Near 2^32 packets under one key: a rekey at 2^31, and if the exchange
// never completes, give up before the sequence number can wrap.
TEST(RekeyPolicy, SequenceNumbersNearTheirEnd) {
  KeyUsage send, recv;
  send.restart(100), recv.restart(0);
  EXPECT_EQ(due(send, 101, recv, 1), RekeyDue::kNo);
  EXPECT_EQ(due(send, 100 + (1u << 31), recv, 1), RekeyDue::kPackets);
  EXPECT_EQ(due(send, 101, recv, 1u << 31), RekeyDue::kPackets);
  // Wrapped around 2^32 as a number, still counted from the key's start.
  EXPECT_EQ(due(send, 99 - (1u << 20), recv, 1), RekeyDue::kGiveUp);
  EXPECT_EQ(due(send, 101, recv, 0xffffffffu - (1u << 20)), RekeyDue::kGiveUp);
  // While an exchange runs nothing new starts; the end still applies.
  EXPECT_EQ(due(send, 100 + (1u << 31), recv, 1, {}, 0, 0, true), RekeyDue::kNo);
  EXPECT_EQ(due(send, 99, recv, 1, {}, 0, 0, true), RekeyDue::kGiveUp);
}

TEST(RekeyPolicy, DataAndTimeLimits) {
  const auto key = random_key();
  PacketEncoder enc;
  enc.set_keys(lpsshd::testing::chacha_keys(key));
  KeyUsage idle;
  std::vector<uint8_t> w;
  RekeyLimits small{4096, 0};
  EXPECT_EQ(due(enc.usage(), enc.seq(), idle, 0, small), RekeyDue::kNo);  // nothing sent yet
  while (w.size() < 4096) enc.encode(payload_of(500), w);
  EXPECT_EQ(due(enc.usage(), enc.seq(), idle, 0, small), RekeyDue::kData);
  EXPECT_EQ(due(enc.usage(), enc.seq(), idle, 0, {uint64_t{1} << 20, 0}), RekeyDue::kNo);
  // Time: only once the interval has passed since the keys took effect, and
  // only if the keys carried something (no rekey loop on an idle line).
  RekeyLimits hourly{uint64_t{1} << 30, 3600};
  EXPECT_EQ(due(enc.usage(), enc.seq(), idle, 0, hourly, 3599999, 0), RekeyDue::kNo);
  EXPECT_EQ(due(enc.usage(), enc.seq(), idle, 0, hourly, 3600000, 0), RekeyDue::kTime);
  KeyUsage unused;
  EXPECT_EQ(due(unused, 0, idle, 0, hourly, 7200000, 0), RekeyDue::kNo);
}
}  // namespace rekey
