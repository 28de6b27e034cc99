// The real AuthBackend: users from the passwd database, keys from the files
// named by AuthorizedKeysFile, read as the user (fsuid/fsgid/groups) with
// OpenSSH's StrictModes checks. It never logs or returns a file's lines.
#pragma once

#include <string>
#include <vector>

#include "monitor/auth_backend.h"

namespace lpsshd::monitor {

// Who may log in at all, from the configuration (sshd_config(5) order:
// DenyUsers, AllowUsers, DenyGroups, AllowGroups). User entries are
// USER or USER@HOST patterns; HOST matches the client address (wildcards or
// CIDR, as authorized_keys from=).
struct AccessRules {
  std::vector<std::string> allow_users, deny_users, allow_groups, deny_groups;
  // UsePAM no: the monitor checks what PAM's account stack would (shadow
  // expiry, a locked password, /etc/nologin). Off when PAM does it.
  bool system_account_checks = true;
};

class SystemAuthBackend : public AuthBackend {
 public:
  SystemAuthBackend(std::vector<std::string> authorized_keys_files, bool strict_modes,
                    std::string client_ip, AccessRules rules)
      : files_(std::move(authorized_keys_files)), strict_modes_(strict_modes),
        client_ip_(std::move(client_ip)), rules_(std::move(rules)) {}

  std::optional<UserInfo> lookup_user(const std::string& name) override;
  std::optional<authkeys::KeyOptions> key_authorized(const UserInfo& user,
                                                     std::span<const uint8_t> blob) override;
  bool user_allowed(const UserInfo& user) override;

 private:
  std::vector<std::string> files_;
  bool strict_modes_;
  std::string client_ip_;
  AccessRules rules_;
};

// The pure part of user_allowed(): the user's name and group names against
// the rules. Empty string when allowed, else the reason sshd would log.
std::string access_denial(const AccessRules& rules, const std::string& user,
                          const std::vector<std::string>& groups, const std::string& client_ip);

// AuthorizedKeysFile tokens: %% %h %u %U; a relative result is taken
// relative to the home directory. Empty string for an unknown token.
std::string expand_authorized_keys_path(const std::string& pattern, const UserInfo& user);

}  // namespace lpsshd::monitor
