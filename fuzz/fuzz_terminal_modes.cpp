// The encoded terminal modes of a pty-req (client input, parsed by the
// postauth child). ASan and UBSan catch reads past the input and writes
// outside c_cc; the empty encoding must be accepted.
#include <cstdlib>
#include <cstring>

#include "postauth/terminal_modes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  termios t;
  std::memset(&t, 0, sizeof t);
  const bool ok = lpsshd::postauth::apply_terminal_modes({data, size}, t);
  if (size == 0 && !ok) abort();
  return 0;
}
