// SHAKE128 and SHAKE256 (crypto/keccak_xof.h) against NIST's CAVP vectors
// (SHAKE128ShortMsg.rsp, SHAKE256ShortMsg.rsp: one-byte, block-sized and
// multi-block messages) and against python3's hashlib for long outputs read
// in uneven pieces across the rate boundary.
#include "crypto/keccak_xof.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/hex.h"

using lpsshd::crypto::Shake128;
using lpsshd::crypto::Shake256;
using lpsshd::test::hex;
using lpsshd::test::unhex;

namespace {

struct Case {
  const char* message;
  const char* output;
};

template <typename Xof>
std::string digest(std::span<const uint8_t> message, size_t out_bytes) {
  Xof xof;
  xof.absorb(message);
  std::vector<uint8_t> out(out_bytes);
  xof.squeeze(out);
  return hex(out);
}

// The message of the uneven-piece tests: 500 bytes, (7i + 3) mod 256.
std::vector<uint8_t> pattern_message() {
  std::vector<uint8_t> m(500);
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<uint8_t>(i * 7 + 3);
  return m;
}

// Absorbs in pieces of 1, 167, 168 and 164 bytes and squeezes 1336 bytes in
// pieces of 1, 167, 168 and 1000: every piece straddles a block boundary of
// one rate or the other somewhere.
template <typename Xof>
std::vector<uint8_t> uneven(const std::vector<uint8_t>& message) {
  Xof xof;
  size_t at = 0;
  for (size_t piece : {1, 167, 168, 164}) {
    xof.absorb(std::span(message).subspan(at, piece));
    at += piece;
  }
  EXPECT_EQ(at, message.size());
  std::vector<uint8_t> out(1336);
  at = 0;
  for (size_t piece : {1, 167, 168, 1000}) {
    xof.squeeze(std::span(out).subspan(at, piece));
    at += piece;
  }
  return out;
}

}  // namespace

TEST(KeccakXof, Shake128EmptyMessage) {
  EXPECT_EQ(digest<Shake128>({}, 32), "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
}

TEST(KeccakXof, Shake256EmptyMessage) {
  EXPECT_EQ(digest<Shake256>({}, 32), "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
}

TEST(KeccakXof, Shake128CavpShortMsg) {
  const Case cases[] = {
      {"0e", "fa996dafaa208d72287c23bc4ed4bfd5"},
      {"6fe69ddaec89a72124f7575bd40cee57e1261f883e7b16fd10b0b99310a72e6a",
       "d1042a7f5580f4fc08afdc2e4a5c7dec"},
      {"25cf2df2390e437d72184b3229ae917e294354f6c1b9773e186c7929c171a7218f2090caabcfbae2e3e1936c45"
       "00aa0deda61fb61be259838959f6e3fb8b08fa17",
       "bf61e7630a35170b0d1716009423f38c"},
  };
  for (const Case& c : cases) EXPECT_EQ(digest<Shake128>(unhex(c.message), 16), c.output) << c.message;
}

TEST(KeccakXof, Shake256CavpShortMsg) {
  const Case cases[] = {
      {"0f", "aabb07488ff9edd05d6a603b7791b60a16d45093608f1badc0c9cc9a9154f215"},
      {"b18bdf2c9bbcc1668958f6e9db12f79af09c3e583c",
       "b7ae5f250409a751199901e1aa50b2c519f6b135934a81f2f69dc2159781a64d"},
      {"9bcfd0e68572023b04c0f9f249f297b664af7cf8118b7891d5ce46a94a7677d8b77fac8ce46108ab2ddbe579d4"
       "efc6bb9c2e8d1d9335efd12f7824799c3ee34755ed8d62",
       "577496111e350e275b6c23a06e6bfe0f7ccf312388a1f3958c406f5170259117"},
  };
  for (const Case& c : cases) EXPECT_EQ(digest<Shake256>(unhex(c.message), 32), c.output) << c.message;
}

// Expected windows from python3: hashlib.shake_128(msg).digest(1336).
TEST(KeccakXof, Shake128UnevenPiecesMatchHashlib) {
  const auto message = pattern_message();
  const auto out = uneven<Shake128>(message);
  EXPECT_EQ(hex(std::span(out).subspan(0, 32)),
            "bbc1fdc161528541eb49e76d887618b52c3abe36f7fe62a1ccbdc759905a4fc1");
  EXPECT_EQ(hex(std::span(out).subspan(160, 40)),
            "9eda9375ba501a2c27dcb08bcacc22fb6c11ded78da3234e108906819581e7a398ac8068eccb7774");
  EXPECT_EQ(hex(std::span(out).subspan(1304, 32)),
            "8f232c9642724bf1ba0cef08e748c83889c4444a243ec14c33d47a13360c0cfa");
  EXPECT_EQ(hex(out), digest<Shake128>(message, out.size()));
}

TEST(KeccakXof, Shake256UnevenPiecesMatchHashlib) {
  const auto message = pattern_message();
  const auto out = uneven<Shake256>(message);
  EXPECT_EQ(hex(std::span(out).subspan(0, 32)),
            "14d563499d9deab236d01e126383860e3d50f05e713ce10c48143e24680084c6");
  EXPECT_EQ(hex(std::span(out).subspan(160, 40)),
            "741cc04810c5c462741ebc4dd4cedd52c2b0b7c35de06cd31d9fabe1240f18a6dc3ebe64a35baf65");
  EXPECT_EQ(hex(std::span(out).subspan(1304, 32)),
            "6b90ea7681c451981de2e1583df4dd68d31132c307619dbcd878a14ee566a3dc");
  EXPECT_EQ(hex(out), digest<Shake256>(message, out.size()));
}

TEST(KeccakXofDeathTest, AbsorbAfterSqueezeAborts) {
  EXPECT_DEATH(
      {
        Shake128 xof;
        uint8_t b = 0;
        xof.squeeze(std::span(&b, 1));
        xof.absorb(std::span(&b, 1));
      },
      "");
}
