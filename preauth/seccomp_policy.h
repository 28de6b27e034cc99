// The preauth child's system-call allow-list. Installed last in
// enter_sandbox(), before the first network byte is read. Everything not
// listed kills the whole process (SCMP_ACT_KILL_PROCESS); the monitor sees
// SIGSYS and logs a suspected compromise.
#pragma once

#include <string>

namespace lpsshd::preauth {

// Descriptors the child may use: 0 the client socket, 1 the monitor channel.
inline constexpr int kSandboxClientFd = 0;
inline constexpr int kSandboxMonitorFd = 1;

// Loads the filter into the calling process. Empty string on success.
std::string install_seccomp_policy();

}  // namespace lpsshd::preauth
