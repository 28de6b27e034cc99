// Known answers for the packet ciphers and MACs built on nettle: NIST's GCM
// test cases, SP 800-38A's CTR vectors, RFC 4231's HMAC cases, and vectors
// computed with python3-cryptography (an independent implementation) for
// what the standards do not cover: the SSH invocation counter, the 128-bit
// counter carry, and whole SSH packets of each construction.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/aes_ctr.h"
#include "crypto/aes_gcm.h"
#include "crypto/hmac_sha2.h"
#include "tests/packet_keys.h"
#include "transport/packet.h"

using namespace lpsshd::crypto;

namespace {
std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(uint8_t(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
std::string to_hex(std::span<const uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

const auto kGcmPlain = hex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
const auto kGcmAad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
const auto kGcmIv = hex("cafebabefacedbaddecaf888");
const auto kGcmKey128 = hex("feffe9928665731c6d6a8f9467308308");
}  // namespace

TEST(AesGcm, NistTestCases4And16) {
  struct Case {
    std::vector<uint8_t> key;
    const char* cipher;
    const char* tag;
  } cases[] = {
      {kGcmKey128,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
       "5bc94fbc3221a5db94fae95ae7121a47"},
      {hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
  for (const auto& c : cases) {
    AesGcm sealer(c.key, kGcmIv), opener(c.key, kGcmIv);
    auto data = kGcmPlain;
    uint8_t tag[16];
    sealer.seal(kGcmAad, data.data(), data.size(), tag);
    EXPECT_EQ(to_hex(data), c.cipher);
    EXPECT_EQ(to_hex(tag), c.tag);
    EXPECT_EQ(sealer.invocations(), 1u);
    std::vector<uint8_t> out(data.size());
    ASSERT_TRUE(opener.open(kGcmAad, data.data(), data.size(), tag, out.data()));
    EXPECT_EQ(out, kGcmPlain);
  }
}

TEST(AesGcm, EachPacketUsesTheNextInvocationAndTheCounterWrapsIn64Bits) {
  AesGcm g(kGcmKey128, kGcmIv);
  std::vector<uint8_t> first(16, 0), second(16, 0);
  uint8_t tag[16];
  const uint8_t aad[4] = {0, 0, 0, 16};
  g.seal(aad, first.data(), 16, tag);
  g.seal(aad, second.data(), 16, tag);
  // nonce cafebabefacedbaddecaf889 (python3-cryptography)
  EXPECT_EQ(to_hex(second) + to_hex(tag),
            "8510f4af51fc7a9731ebde61d59ba8d75cd6dd27b9ebe42aff182cb0a594cac7");
  // A resumed object (the postauth child) at invocation 1 gives the same.
  AesGcm resumed(kGcmKey128, kGcmIv);
  resumed.set_invocations(1);
  std::vector<uint8_t> again(16, 0);
  resumed.seal(aad, again.data(), 16, tag);
  EXPECT_EQ(again, second);
  // The fixed field never changes: 00000001 ffffffffffffffff is followed
  // by 00000001 0000000000000000.
  AesGcm wrap(kGcmKey128, hex("00000001ffffffffffffffff"));
  wrap.set_invocations(1);
  std::vector<uint8_t> z(16, 0);
  wrap.seal({}, z.data(), 16, tag);
  EXPECT_EQ(to_hex(z) + to_hex(tag),
            "566087530d15ae9cc342f2303d90dea83ee34cc704452306be519132100f2bc1");
}

TEST(AesGcm, AnyFlippedBitFailsAndNothingIsReleasedOrConsumed) {
  AesGcm sealer(kGcmKey128, kGcmIv);
  auto data = kGcmPlain;
  uint8_t tag[16];
  sealer.seal(kGcmAad, data.data(), data.size(), tag);
  for (int where = 0; where < 3; ++where) {
    auto c = data;
    auto a = kGcmAad;
    uint8_t t[16];
    std::copy(tag, tag + 16, t);
    if (where == 0) c[5] ^= 1;
    if (where == 1) a[0] ^= 0x80;
    if (where == 2) t[15] ^= 1;
    AesGcm opener(kGcmKey128, kGcmIv);
    std::vector<uint8_t> out(c.size(), 0xee);
    EXPECT_FALSE(opener.open(a, c.data(), c.size(), t, out.data())) << where;
    EXPECT_EQ(out, std::vector<uint8_t>(c.size(), 0)) << "plaintext wiped";
    EXPECT_EQ(opener.invocations(), 0u);
  }
}

TEST(AesCtr, Sp800_38aVectorsForEachKeySize) {
  const auto plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  const auto iv = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  struct Case {
    const char* key;
    const char* cipher;
  } cases[] = {
      {"2b7e151628aed2a6abf7158809cf4f3c",
       "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"},
      {"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
       "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94"},
      {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
       "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"},
  };
  for (const auto& c : cases) {
    AesCtr ctr(hex(c.key), iv);
    std::vector<uint8_t> out(plain.size());
    // Two calls: the stream continues across packets.
    ctr.crypt(plain.data(), out.data(), 16);
    ctr.crypt(plain.data() + 16, out.data() + 16, 16);
    EXPECT_EQ(to_hex(out), c.cipher);
    EXPECT_EQ(ctr.position(), 2u);
  }
}

TEST(AesCtr, ResumingAtAPositionCarriesThrough128Bits) {
  const auto key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const auto iv = hex("0000000000000000ffffffffffffffff");
  const char* stream =
      "ef8737b783c4fa88e687ee9467073f6edc0a3bc38609c26f6f2a63a39cf7ee93c5eb9614bd235873ff3771254315047c";
  AesCtr whole(key, iv);
  std::vector<uint8_t> z(48, 0);
  whole.crypt(z.data(), z.data(), 48);
  EXPECT_EQ(to_hex(z), stream);
  // The postauth child picks up at block 1: the low 64 bits wrapped into
  // the high half.
  AesCtr resumed(key, iv);
  resumed.set_position(1);
  std::vector<uint8_t> tail(32, 0);
  resumed.crypt(tail.data(), tail.data(), 32);
  EXPECT_EQ(to_hex(tail), std::string(stream).substr(32));
  EXPECT_EQ(resumed.position(), 3u);
}

TEST(HmacSha2, Rfc4231Case2WithTheSequenceNumberAsThePrefix) {
  // be32(seq) || data must be "what do ya want for nothing?": seq = "what".
  const uint32_t seq = 0x77686174;
  const std::string rest = " do ya want for nothing?";
  const std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  const std::string key = "Jefe";
  const std::span<const uint8_t> k(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  HmacSha2 h256(HmacSha2::Hash::kSha256, k), h512(HmacSha2::Hash::kSha512, k);
  uint8_t tag[64];
  h256.compute(seq, data, tag);
  EXPECT_EQ(to_hex({tag, 32}), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  h512.compute(seq, data, tag);
  EXPECT_EQ(to_hex({tag, 64}),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  // The keyed state is reused: a second message gives the same answer.
  EXPECT_TRUE(h512.verify(seq, data, tag));
  tag[63] ^= 1;
  EXPECT_FALSE(h512.verify(seq, data, tag));
  tag[63] ^= 1;
  EXPECT_FALSE(h512.verify(seq + 1, data, tag)) << "another sequence number";
}

// ---- The SSH packet constructions, against packets built independently --
// (python3-cryptography and hmac, tests' comments give the recipe): each
// shape decodes a SERVICE_REQUEST "ssh-userauth" sent as sequence number 3,
// two packets into its key (GCM invocation / CTR block position 2), with
// keys cut from bytes 0, 1, 2, ... in the order IV, key, MAC key.
namespace {
std::vector<uint8_t> decode_one(const char* cipher, const char* mac, std::string_view packet_hex,
                                uint64_t position, std::string& why) {
  std::vector<uint8_t> material(128);
  for (size_t i = 0; i < material.size(); ++i) material[i] = uint8_t(i);
  lpsshd::transport::PacketDecoder dec;
  dec.set_seq(3);
  const auto* m = mac ? lpsshd::transport::find_mac(mac) : nullptr;
  EXPECT_TRUE(dec.set_keys(lpsshd::testing::keys_for(*lpsshd::transport::find_cipher(cipher), m, material)));
  dec.set_cipher_position(position);
  const auto pkt = hex(packet_hex);
  size_t used = 0;
  std::vector<uint8_t> payload;
  if (dec.decode(pkt, used, payload, why) != lpsshd::transport::PacketDecoder::Result::kPacket) return {};
  EXPECT_EQ(used, pkt.size());
  return payload;
}
const char* kServiceRequest = "050000000c7373682d7573657261757468";
}  // namespace

TEST(PacketShapes, EachConstructionDecodesAnIndependentlyBuiltPacket) {
  struct Case {
    const char* cipher;
    const char* mac;
    const char* packet;
  } cases[] = {
      // length in the clear as AAD; nonce = IV with its counter field + 2
      {"aes128-gcm@openssh.com", nullptr,
       "00000020c06d4859c330c16808ab8de144f999e6c810819442464b4c49ab425caf8c9cecb8623dc0c362c42416c58da5098725ac"},
      // encrypt-then-MAC: HMAC-SHA-512(seq || length || ciphertext)
      {"aes256-ctr", "hmac-sha2-512-etm@openssh.com",
       "000000206474e33229afbc28125485e17b64b3dde7cff5f1d7fc3817ce2b0e6757643ae3ae49ac23c9340d6d2f28a181a10ee8e6e33bf4ad14a33ec6e5d5b2988af87a1a242e3b8deb5f8972af55ad756080eb89a74f93021c11e864e3d08ffb6f8a8bde"},
      // encrypt-and-MAC: HMAC-SHA-256(seq || plaintext packet), length encrypted
      {"aes192-ctr", "hmac-sha2-256",
       "461e601b567c52001fe49a3b2d7761f722753aca26f1f9d7cfba24192c5f55b74e5b399f23d12d0557af19efc02f99b2d87fcb42642556cd524869fcf5d7bce6"},
  };
  for (const auto& c : cases) {
    std::string why;
    EXPECT_EQ(to_hex(decode_one(c.cipher, c.mac, c.packet, 2, why)), kServiceRequest) << c.cipher << ": " << why;
    // At another position (a resume off by one) the same bytes give no
    // packet: GCM's tag fails; CTR decrypts to garbage, which fails the
    // padding check behind an etm MAC (the MAC covers only ciphertext) or,
    // encrypt-and-MAC, reads as a bad length that waits for a largest
    // packet and then fails as a bad MAC.
    why.clear();
    EXPECT_TRUE(decode_one(c.cipher, c.mac, c.packet, 1, why).empty()) << c.cipher;
    if (c.mac == nullptr) {
      EXPECT_EQ(why, "message authentication code incorrect") << c.cipher;
    }
  }
}

// Encrypt-and-MAC decrypts the length before anything is authenticated: a
// length that is out of bounds or unaligned is answered exactly as a bad
// MAC, and only once as many bytes as the largest packet have arrived.
TEST(PacketShapes, EncryptAndMacAnswersABadLengthAsABadMac) {
  std::vector<uint8_t> material(128, 7);
  const auto* cipher = lpsshd::transport::find_cipher("aes128-ctr");
  const auto* mac = lpsshd::transport::find_mac("hmac-sha2-256");
  lpsshd::transport::PacketDecoder dec;
  ASSERT_TRUE(dec.set_keys(lpsshd::testing::keys_for(*cipher, mac, material)));
  std::vector<uint8_t> garbage(64, 0x42);  // decrypts to some length: almost surely bad
  size_t used = 0;
  std::vector<uint8_t> payload;
  std::string why;
  EXPECT_EQ(dec.decode(garbage, used, payload, why), lpsshd::transport::PacketDecoder::Result::kNeedMore);
  EXPECT_EQ(dec.bytes_needed(garbage), 4 + lpsshd::transport::kMaxPacketLength + 32);
  garbage.resize(4 + lpsshd::transport::kMaxPacketLength + 32, 0x42);
  EXPECT_EQ(dec.decode(garbage, used, payload, why), lpsshd::transport::PacketDecoder::Result::kError);
  EXPECT_EQ(why, "message authentication code incorrect");
}
