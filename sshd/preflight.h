// Checks the listener makes before it accepts anyone, each failing with one
// line that says how to fix it, and `lpsshd -A`, which creates what is
// missing. The listener never reads a host private key: key files are only
// stat()ed here; parsing them is left to a short-lived monitor (-t mode).
#pragma once

#include <string>

#include "config/config.h"

namespace lpsshd::sshd {

// Empty string when everything is in place.
std::string preflight(const config::Config& cfg);

// Reasons this build cannot honour some settings (e.g. PasswordAuthentication
// yes before PAM exists): refusing beats silently ignoring them.
std::string unsupported_settings(const config::Config& cfg);
// The same with the kernel's Landlock ABI given (0: none), for tests.
std::string unsupported_settings(const config::Config& cfg, int landlock_abi);

// Creates missing host keys, the preauth user, the chroot directory and the
// PAM service file.
// Empty string on success.
std::string setup_system(const config::Config& cfg);

}  // namespace lpsshd::sshd
