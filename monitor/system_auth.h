// The real AuthBackend: users from the passwd database, keys from the files
// named by AuthorizedKeysFile, read as the user (fsuid/fsgid/groups) with
// OpenSSH's StrictModes checks. It never logs or returns a file's lines.
#pragma once

#include <string>
#include <vector>

#include "monitor/auth_backend.h"

namespace lpsshd::monitor {

class SystemAuthBackend : public AuthBackend {
 public:
  SystemAuthBackend(std::vector<std::string> authorized_keys_files, bool strict_modes,
                    std::string client_ip)
      : files_(std::move(authorized_keys_files)), strict_modes_(strict_modes),
        client_ip_(std::move(client_ip)) {}

  std::optional<UserInfo> lookup_user(const std::string& name) override;
  bool key_authorized(const UserInfo& user, std::span<const uint8_t> blob) override;

 private:
  std::vector<std::string> files_;
  bool strict_modes_;
  std::string client_ip_;
};

// AuthorizedKeysFile tokens: %% %h %u %U; a relative result is taken
// relative to the home directory. Empty string for an unknown token.
std::string expand_authorized_keys_path(const std::string& pattern, const UserInfo& user);

}  // namespace lpsshd::monitor
