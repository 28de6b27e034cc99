// The boundary between the listener and each monitor it starts: which
// descriptors the monitor gets, the one byte it sends when its connection
// has authenticated (so the listener counts unauthenticated connections
// exactly), and the exit codes that tell the listener how the connection
// ended (for PerSourcePenalties).
#pragma once

namespace lpsshd::listener_protocol {

// Descriptors of lpsshd-monitor.
inline constexpr int kClientFd = 0;
inline constexpr int kConfigFd = 3;   // sealed memfd with the effective configuration
inline constexpr int kNetnsFd = 4;    // with -N: empty network namespace, else /dev/null
inline constexpr int kMntnsFd = 5;    // with -N: empty mount namespace, else /dev/null
inline constexpr int kStatusFd = 6;   // pipe to the listener

inline constexpr char kAuthenticated = 'A';

enum ExitCode : int {
  kExitNormal = 0,         // the session ended after authentication
  kExitError = 1,          // internal error (bad config, no host key, ...)
  kExitAuthFail = 10,      // authentication attempts failed
  kExitNoAuth = 11,        // closed before any authentication attempt
  kExitGraceExceeded = 12, // LoginGraceTime ran out
  kExitCrash = 13,         // a child crashed, was killed by the sandbox, or broke the protocol
};

}  // namespace lpsshd::listener_protocol
