// Host key files on disk: loading (monitor only; the listener never reads a
// private key to serve), the permission checks the listener makes before it
// starts, and creating a new key for `lpsshd -A`.
#pragma once

#include <optional>
#include <string>

#include "crypto/keyfile.h"

namespace lpsshd::crypto {

// The file must be a regular file, not a symlink, owned by root, with no
// group or other permission bits, at most 64 KiB. Empty string when fine.
std::string check_host_key_file(const std::string& path);

// check_host_key_file() + parse. nullopt with a one-line reason naming the
// file.
std::optional<PrivateKeyFile> load_host_key(const std::string& path, std::string& error);

// Writes a new ed25519 key to path (mode 0600, refusing to overwrite) and
// its public line to path.pub (0644). Empty string on success.
std::string generate_host_key(const std::string& path);

}  // namespace lpsshd::crypto
