// Test-only misbehaviour of the PAM helper, for the monitor's fail-closed
// paths (tests/integration/pam_fail_test.sh): the helper dying in the middle
// of a request, or answering with a malformed message. Compiled in only for
// lpsshd-pam-hooked (pam/CMakeLists.txt, LPSSHD_PAM_TEST_HOOKS), which is
// never installed; the daemon's lpsshd-pam gets the no-op versions below.
#pragma once

#include "pam/pam_protocol.h"

namespace lpsshd::pamhook {

#ifdef LPSSHD_PAM_TEST_HOOKS
// Before a request of `type` is served. false: the request was answered
// (with garbage) and must not be served.
bool before(pamproto::Type type, int monitor_fd);
// After the request's work (for kSpawnUser: the user's child is running),
// before its result is sent.
void after(pamproto::Type type);
#else
inline bool before(pamproto::Type, int) { return true; }
inline void after(pamproto::Type) {}
#endif

}  // namespace lpsshd::pamhook
