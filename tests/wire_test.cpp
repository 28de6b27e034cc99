// The bounds-checked reader and the writer: every getter refuses to read
// past the end, failure is sticky, and end() catches trailing bytes.
#include <gtest/gtest.h>

#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd::wire;

TEST(WireReader, ReadsIntegersBigEndian) {
  const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0xff};
  Reader r(b, sizeof b);
  uint32_t v32 = 0;
  uint64_t v64 = 0;
  uint8_t v8 = 0;
  ASSERT_TRUE(r.u32(v32));
  EXPECT_EQ(v32, 0x01020304u);
  ASSERT_TRUE(r.u64(v64));
  EXPECT_EQ(v64, 0x0000000100000002ull);
  ASSERT_TRUE(r.u8(v8));
  EXPECT_EQ(v8, 0xff);
  EXPECT_TRUE(r.end());
}

TEST(WireReader, StringLengthPastEndFailsAndSticks) {
  const uint8_t b[] = {0, 0, 0, 5, 'a', 'b', 'c'};
  Reader r(b, sizeof b);
  Bytes s;
  EXPECT_FALSE(r.string(s));
  EXPECT_FALSE(r.ok());
  uint8_t v = 0;
  EXPECT_FALSE(r.u8(v));  // sticky: nothing reads after a failure
  EXPECT_FALSE(r.end());
}

TEST(WireReader, HugeLengthDoesNotWrap) {
  const uint8_t b[] = {0xff, 0xff, 0xff, 0xff, 'x'};
  Reader r(b, sizeof b);
  Bytes s;
  EXPECT_FALSE(r.string(s));
}

TEST(WireReader, TrailingBytesAreNotEnd) {
  const uint8_t b[] = {0, 0, 0, 1, 'a', 'z'};
  Reader r(b, sizeof b);
  Bytes s;
  ASSERT_TRUE(r.string(s));
  EXPECT_EQ(as_view(s), "a");
  EXPECT_FALSE(r.end());
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(WireReader, TextRefusesNulAndOverlong) {
  const uint8_t nul[] = {0, 0, 0, 3, 'a', 0, 'b'};
  Reader r1(nul, sizeof nul);
  std::string t;
  EXPECT_FALSE(r1.text(t));
  const uint8_t longer[] = {0, 0, 0, 4, 'a', 'b', 'c', 'd'};
  Reader r2(longer, sizeof longer);
  EXPECT_FALSE(r2.text(t, 3));
  Reader r3(longer, sizeof longer);
  EXPECT_TRUE(r3.text(t, 4));
  EXPECT_EQ(t, "abcd");
}

TEST(WireReader, FixedStringNeedsExactLength) {
  Writer w;
  w.string(std::string_view("12345"));
  Reader r(w.bytes());
  Bytes b;
  EXPECT_FALSE(r.fixed_string(b, 4));
  Reader r2(w.bytes());
  EXPECT_TRUE(r2.fixed_string(b, 5));
}

TEST(WireReader, SubReaderIsConfinedToItsString) {
  Writer inner;
  inner.u32(7);
  Writer w;
  w.string(inner.bytes()).u8(9);
  Reader r(w.bytes());
  Reader sub(nullptr, 0);
  ASSERT_TRUE(r.sub(sub));
  uint32_t v = 0;
  ASSERT_TRUE(sub.u32(v));
  EXPECT_EQ(v, 7u);
  EXPECT_FALSE(sub.u32(v));  // cannot read into the outer buffer
  uint8_t t = 0;
  ASSERT_TRUE(r.u8(t));
  EXPECT_EQ(t, 9);
}

TEST(WireWriter, MpintFollowsRfc4251Examples) {
  // RFC 4251 section 5 examples.
  auto enc = [](std::vector<uint8_t> be) { Writer w; w.mpint_unsigned(be); return w.take(); };
  EXPECT_EQ(enc({}), (std::vector<uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(enc({0x00}), (std::vector<uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(enc({0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7}),
            (std::vector<uint8_t>{0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7}));
  EXPECT_EQ(enc({0x80}), (std::vector<uint8_t>{0, 0, 0, 2, 0x00, 0x80}));
  EXPECT_EQ(enc({0x00, 0x00, 0x7f}), (std::vector<uint8_t>{0, 0, 0, 1, 0x7f}));
}

TEST(WireWriter, RoundTrip) {
  Writer w;
  w.u8(1).boolean(true).u32(0xdeadbeef).u64(42).string(std::string_view("ssh"));
  Reader r(w.bytes());
  uint8_t a = 0;
  bool b = false;
  uint32_t c = 0;
  uint64_t d = 0;
  std::string e;
  ASSERT_TRUE(r.u8(a) && r.boolean(b) && r.u32(c) && r.u64(d) && r.text(e));
  EXPECT_TRUE(r.end());
  EXPECT_EQ(a, 1);
  EXPECT_TRUE(b);
  EXPECT_EQ(c, 0xdeadbeefu);
  EXPECT_EQ(d, 42u);
  EXPECT_EQ(e, "ssh");
}

TEST(WireReader, MpintUnsignedTakesOnlyTheMinimalNonNegativeEncoding) {
  auto read = [](std::vector<uint8_t> in, size_t max, std::vector<uint8_t>* got = nullptr) {
    lpsshd::wire::Reader r(in);
    lpsshd::wire::Bytes b;
    const bool ok = r.mpint_unsigned(b, max) && r.end();
    if (ok && got) got->assign(b.begin(), b.end());
    return ok;
  };
  std::vector<uint8_t> v;
  EXPECT_TRUE(read({0, 0, 0, 0}, 4, &v));  // zero
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(read({0, 0, 0, 2, 0x00, 0x80}, 1, &v));  // 0x80 needs its zero byte
  EXPECT_EQ(v, (std::vector<uint8_t>{0x80}));
  EXPECT_TRUE(read({0, 0, 0, 2, 0x12, 0x34}, 2, &v));
  EXPECT_EQ(v, (std::vector<uint8_t>{0x12, 0x34}));
  EXPECT_FALSE(read({0, 0, 0, 1, 0x80}, 4)) << "negative";
  EXPECT_FALSE(read({0, 0, 0, 1, 0x00}, 4)) << "zero with a superfluous byte";
  EXPECT_FALSE(read({0, 0, 0, 2, 0x00, 0x7f}, 4)) << "superfluous leading zero";
  EXPECT_FALSE(read({0, 0, 0, 3, 0x01, 0x02, 0x03}, 2)) << "longer than allowed";
  EXPECT_FALSE(read({0, 0, 0, 3, 0x01}, 4)) << "truncated";
}
