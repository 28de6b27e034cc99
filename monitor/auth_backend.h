// The system facts the monitor's auth decisions need, behind an interface so
// the decision logic (monitor_core) makes no system calls and tests can play
// both sides. The real implementation reads passwd and authorized_keys.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "monitor/authorized_keys.h"

namespace lpsshd::monitor {

struct UserInfo {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;
};

class AuthBackend {
 public:
  virtual ~AuthBackend() = default;
  virtual std::optional<UserInfo> lookup_user(const std::string& name) = 0;
  // The options of the authorized_keys line that authorises blob (an
  // ssh-ed25519 public key blob) for user from this client, or nullopt.
  // Lines whose from= or expiry-time refuse this client, and lines whose
  // options do not parse or cannot be honoured yet, do not authorise.
  virtual std::optional<authkeys::KeyOptions> key_authorized(const UserInfo& user,
                                                             std::span<const uint8_t> blob) = 0;
  // The account itself (login shell; without PAM also shadow expiry and a
  // locked password), AllowUsers/DenyUsers/AllowGroups/DenyGroups, and
  // /etc/nologin for non-root users when PAM does not check it. Logs the
  // reason when not.
  virtual bool user_allowed(const UserInfo& user) = 0;
};

}  // namespace lpsshd::monitor
