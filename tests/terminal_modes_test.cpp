// RFC 4254 section 8 encoded terminal modes applied to a termios.
#include <gtest/gtest.h>

#include "postauth/terminal_modes.h"
#include "wire/writer.h"

using lpsshd::postauth::apply_terminal_modes;

namespace {
struct Modes {
  lpsshd::wire::Writer w;
  Modes& op(uint8_t code, uint32_t value) {
    w.u8(code).u32(value);
    return *this;
  }
  std::vector<uint8_t> end() {
    w.u8(0);  // TTY_OP_END
    return w.take();
  }
};

termios blank() {
  termios t{};
  return t;
}
}  // namespace

TEST(TerminalModes, EmptyKeepsDefaults) {
  termios t = blank();
  t.c_lflag = ECHO;
  EXPECT_TRUE(apply_terminal_modes({}, t));
  EXPECT_EQ(t.c_lflag, tcflag_t{ECHO});
}

TEST(TerminalModes, SetsCharactersAndFlags) {
  termios t = blank();
  t.c_lflag = ECHO;
  auto m = Modes().op(3, 0x08).op(1, 0x03).op(53, 0).op(51, 1).op(36, 1).op(72, 1).op(91, 1).op(42, 1).end();
  ASSERT_TRUE(apply_terminal_modes(m, t));
  EXPECT_EQ(t.c_cc[VERASE], 0x08);
  EXPECT_EQ(t.c_cc[VINTR], 0x03);
  EXPECT_EQ(t.c_lflag & ECHO, 0u);
  EXPECT_NE(t.c_lflag & ICANON, 0u);
  EXPECT_NE(t.c_iflag & ICRNL, 0u);
  EXPECT_NE(t.c_iflag & IUTF8, 0u);
  EXPECT_NE(t.c_oflag & ONLCR, 0u);
  EXPECT_EQ(t.c_cflag & CSIZE, tcflag_t{CS8});
}

TEST(TerminalModes, DisabledCharacterIs255) {
  termios t = blank();
  auto m = Modes().op(4, 255).end();
  ASSERT_TRUE(apply_terminal_modes(m, t));
  EXPECT_EQ(t.c_cc[VKILL], _POSIX_VDISABLE);
}

// Linux keeps one line speed for both directions, so each is checked alone.
TEST(TerminalModes, Speeds) {
  termios t = blank();
  ASSERT_TRUE(apply_terminal_modes(Modes().op(129, 9600).end(), t));
  EXPECT_EQ(cfgetospeed(&t), speed_t{B9600});
  termios u = blank();
  ASSERT_TRUE(apply_terminal_modes(Modes().op(128, 38400).end(), u));
  EXPECT_EQ(cfgetispeed(&u), speed_t{B38400});
  termios v = blank();
  ASSERT_TRUE(apply_terminal_modes(Modes().op(129, 12345).end(), v));  // not a standard rate: ignored
  EXPECT_EQ(cfgetospeed(&v), speed_t{B0});
}

TEST(TerminalModes, UnknownOpcodesBelow160AreSkipped) {
  termios t = blank();
  auto m = Modes().op(11, 7).op(99, 1).op(53, 1).end();  // VDSUSP (absent on Linux), unassigned 99
  ASSERT_TRUE(apply_terminal_modes(m, t));
  EXPECT_NE(t.c_lflag & ECHO, 0u);
}

TEST(TerminalModes, Opcode160AndAboveStopsParsing) {
  termios t = blank();
  lpsshd::wire::Writer w;
  w.u8(53).u32(1).u8(160).u8(0xde).u8(0xad);  // unknown argument format follows
  ASSERT_TRUE(apply_terminal_modes(w.bytes(), t));
  EXPECT_NE(t.c_lflag & ECHO, 0u);
}

TEST(TerminalModes, TruncatedArgumentOrMissingEndIsRejected) {
  termios t = blank();
  const std::vector<uint8_t> truncated = {53, 0, 0, 1};
  EXPECT_FALSE(apply_terminal_modes(truncated, t));
  lpsshd::wire::Writer w;
  w.u8(53).u32(1);  // no TTY_OP_END
  EXPECT_FALSE(apply_terminal_modes(w.bytes(), t));
}

TEST(TerminalModes, OverlongInputIsRejected) {
  termios t = blank();
  std::vector<uint8_t> big(lpsshd::postauth::kMaxTerminalModes + 1, 0);
  EXPECT_FALSE(apply_terminal_modes(big, t));
}
