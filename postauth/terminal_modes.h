// "Encoded terminal modes" of a pty-req (RFC 4254 section 8, RFC 8160
// IUTF8): a sequence of (opcode byte, uint32 value) pairs ended by
// TTY_OP_END. Pure: it edits a struct termios and makes no system calls,
// so tests and the fuzzer drive it directly. Each opcode is a table row.
#pragma once

#include <termios.h>
#include <unistd.h>

#include <cstdint>
#include <span>

namespace lpsshd::postauth {

inline constexpr size_t kMaxTerminalModes = 16 * 1024;

// Applies the modes in order. Unknown opcodes 1..159 are skipped (with
// their argument), as the RFC says; an opcode of 160 or above stops parsing
// (its argument format is unknown). False only for a malformed encoding: a
// truncated argument, a missing TTY_OP_END or over-long input.
bool apply_terminal_modes(std::span<const uint8_t> modes, termios& tio);

}  // namespace lpsshd::postauth
