// Checks the listener makes before it accepts anyone, each failing with one
// line that says how to fix it, and `lpsshd -A`, which creates what is
// missing. The listener never reads a host private key: key files are only
// stat()ed here; parsing them is left to a short-lived monitor (-t mode).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "transport/algorithms.h"

namespace lpsshd::sshd {

// Empty string when everything is in place.
std::string preflight(const config::Config& cfg);

// The host key files (after usable_host_keys()): at least one, each passing
// crypto::check_host_key_file. Empty string when fine.
std::string check_host_keys(const config::Config& cfg);

// Reasons this build cannot honour some settings (e.g. PasswordAuthentication
// yes before PAM exists): refusing beats silently ignoring them.
std::string unsupported_settings(const config::Config& cfg);
// The same with the kernel's Landlock ABI given (0: none), for tests.
std::string unsupported_settings(const config::Config& cfg, int landlock_abi);

// Creates missing host keys, the preauth user, the chroot directory and the
// PAM service file.
// Empty string on success.
std::string setup_system(const config::Config& cfg);

// The type of key `lpsshd -A` creates for a missing HostKey file, from the
// file's name: "ecdsa" in it gives ECDSA P-256, else "rsa" RSA 3072, else
// ed25519.
transport::KeyType host_key_type_to_create(const std::string& path);

// The HostKey files to use. A list set in the configuration is kept as it
// is: a missing file there stays an error. The built-in default list
// (`defaults`: ed25519 and RSA) is filtered like OpenSSH's: files that do
// not exist are left out, each with a line in `skipped`; preflight() then
// refuses to start if none is left.
std::vector<std::string> usable_host_keys(const config::Config& cfg,
                                          const std::vector<std::string>& defaults,
                                          std::vector<std::string>& skipped);

}  // namespace lpsshd::sshd
