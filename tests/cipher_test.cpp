// Known answers for the packet ciphers and MACs built on nettle: NIST's GCM
// test cases, SP 800-38A's CTR vectors, RFC 4231's HMAC cases, and vectors
// computed with python3-cryptography (an independent implementation) for
// what the standards do not cover: the SSH invocation counter and the
// 128-bit counter carry.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/aes_ctr.h"
#include "crypto/aes_gcm.h"
#include "crypto/hmac_sha2.h"

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
