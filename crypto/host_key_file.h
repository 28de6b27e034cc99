// Host key files on disk: loading (monitor only; the listener never reads a
// private key to serve), the permission checks the listener makes before it
// starts, and creating a new key for `lpsshd -A`. Part of lpsshd_signatures.
#pragma once

#include <memory>
#include <string>

#include "crypto/host_key.h"
#include "crypto/keyfile.h"
#include "transport/algorithms.h"

namespace lpsshd::crypto {

// The file must be a regular file, not a symlink, owned by root, with no
// group or other permission bits, at most 64 KiB. Empty string when fine.
std::string check_host_key_file(const std::string& path);

// check_host_key_file() + parse: an Ed25519HostKey, RsaHostKey (at least
// kMinRsaHostKeyBits) or EcdsaP256HostKey. nullptr with a one-line reason
// naming the file.
std::unique_ptr<HostKey> load_host_key(const std::string& path, std::string& error);

// Writes a new key of `type` (kEd25519; kRsa, kGeneratedRsaBits bits,
// e = 65537; kEcdsaP256) to path (mode 0600, refusing to overwrite) in the
// openssh-key-v1 format, and its public line to path.pub (0644). Empty
// string on success.
std::string generate_host_key(const std::string& path, transport::KeyType type);

}  // namespace lpsshd::crypto
