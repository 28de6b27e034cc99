#include "postauth/terminal_modes.h"

#include "wire/reader.h"

namespace lpsshd::postauth {

namespace {
enum class Kind { kChar, kIflag, kLflag, kOflag, kCflag, kISpeed, kOSpeed };

struct Mode {
  uint8_t opcode;
  Kind kind;
  unsigned long value;  // c_cc index, or the flag bit
};

// RFC 4254 8 opcode numbers. Modes Linux lacks (VDSUSP, VSTATUS, ...) have
// no row and are skipped like unknown ones.
constexpr Mode kModes[] = {
    {1, Kind::kChar, VINTR},     {2, Kind::kChar, VQUIT},      {3, Kind::kChar, VERASE},
    {4, Kind::kChar, VKILL},     {5, Kind::kChar, VEOF},       {6, Kind::kChar, VEOL},
    {7, Kind::kChar, VEOL2},     {8, Kind::kChar, VSTART},     {9, Kind::kChar, VSTOP},
    {10, Kind::kChar, VSUSP},    {12, Kind::kChar, VREPRINT},  {13, Kind::kChar, VWERASE},
    {14, Kind::kChar, VLNEXT},   {18, Kind::kChar, VDISCARD},
    {30, Kind::kIflag, IGNPAR},  {31, Kind::kIflag, PARMRK},   {32, Kind::kIflag, INPCK},
    {33, Kind::kIflag, ISTRIP},  {34, Kind::kIflag, INLCR},    {35, Kind::kIflag, IGNCR},
    {36, Kind::kIflag, ICRNL},   {37, Kind::kIflag, IUCLC},    {38, Kind::kIflag, IXON},
    {39, Kind::kIflag, IXANY},   {40, Kind::kIflag, IXOFF},    {41, Kind::kIflag, IMAXBEL},
    {42, Kind::kIflag, IUTF8},
    {50, Kind::kLflag, ISIG},    {51, Kind::kLflag, ICANON},   {52, Kind::kLflag, XCASE},
    {53, Kind::kLflag, ECHO},    {54, Kind::kLflag, ECHOE},    {55, Kind::kLflag, ECHOK},
    {56, Kind::kLflag, ECHONL},  {57, Kind::kLflag, NOFLSH},   {58, Kind::kLflag, TOSTOP},
    {59, Kind::kLflag, IEXTEN},  {60, Kind::kLflag, ECHOCTL},  {61, Kind::kLflag, ECHOKE},
    {62, Kind::kLflag, PENDIN},
    {70, Kind::kOflag, OPOST},   {71, Kind::kOflag, OLCUC},    {72, Kind::kOflag, ONLCR},
    {73, Kind::kOflag, OCRNL},   {74, Kind::kOflag, ONOCR},    {75, Kind::kOflag, ONLRET},
    {90, Kind::kCflag, CS7},     {91, Kind::kCflag, CS8},      {92, Kind::kCflag, PARENB},
    {93, Kind::kCflag, PARODD},
    {128, Kind::kISpeed, 0},     {129, Kind::kOSpeed, 0},
};

constexpr uint8_t kOpEnd = 0;
constexpr uint8_t kFirstUndefined = 160;
constexpr uint32_t kDisabledChar = 255;

struct Baud {
  uint32_t rate;
  speed_t speed;
};
constexpr Baud kBauds[] = {
    {0, B0}, {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150}, {200, B200},
    {300, B300}, {600, B600}, {1200, B1200}, {1800, B1800}, {2400, B2400}, {4800, B4800},
    {9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
    {230400, B230400}, {460800, B460800}, {921600, B921600},
};

const Mode* find_mode(uint8_t opcode) {
  for (const auto& m : kModes)
    if (m.opcode == opcode) return &m;
  return nullptr;
}

void set_flag(tcflag_t& flags, unsigned long bit, uint32_t on) {
  if (on != 0)
    flags |= static_cast<tcflag_t>(bit);
  else
    flags &= ~static_cast<tcflag_t>(bit);
}

void set_speed(termios& tio, Kind kind, uint32_t rate) {
  for (const auto& b : kBauds) {
    if (b.rate != rate) continue;
    if (kind == Kind::kISpeed)
      cfsetispeed(&tio, b.speed);
    else
      cfsetospeed(&tio, b.speed);
    return;
  }
}
}  // namespace

bool apply_terminal_modes(std::span<const uint8_t> modes, termios& tio) {
  if (modes.size() > kMaxTerminalModes) return false;
  if (modes.empty()) return true;  // no modes: keep the defaults
  wire::Reader r(modes);
  while (true) {
    uint8_t opcode = 0;
    if (!r.u8(opcode)) return false;  // no TTY_OP_END
    if (opcode == kOpEnd) return true;
    if (opcode >= kFirstUndefined) return true;  // stop: unknown argument format
    uint32_t value = 0;
    if (!r.u32(value)) return false;
    const Mode* m = find_mode(opcode);
    if (m == nullptr) continue;
    switch (m->kind) {
      case Kind::kChar:
        tio.c_cc[m->value] = value == kDisabledChar ? _POSIX_VDISABLE : static_cast<cc_t>(value);
        break;
      case Kind::kIflag: set_flag(tio.c_iflag, m->value, value); break;
      case Kind::kLflag: set_flag(tio.c_lflag, m->value, value); break;
      case Kind::kOflag: set_flag(tio.c_oflag, m->value, value); break;
      case Kind::kCflag: set_flag(tio.c_cflag, m->value, value); break;
      case Kind::kISpeed:
      case Kind::kOSpeed: set_speed(tio, m->kind, value); break;
    }
  }
}

}  // namespace lpsshd::postauth
