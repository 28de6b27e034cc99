// OpenSSH's checks on the account itself (auth.c allowed_user and
// auth-shadow.c), as a decision over facts the caller gathered: no system
// calls here, so tests drive it directly. system_auth.cpp reads the facts
// (getspnam_r, stat of the shell) and logs the answer.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace lpsshd::monitor {

struct AccountFacts {
  // The shadow entry's password field (the passwd entry's when there is no
  // shadow entry); "!..." is a locked account.
  std::string password;
  // sp_expire: the day (since 1970-01-01) after which the account is
  // expired; -1 when it never expires or there is no shadow entry.
  long expire_day = -1;
  // st_mode of the login shell as stat() sees it; nullopt when it does not
  // exist.
  std::optional<mode_t> shell_mode;
};

// The line to log, in OpenSSH's wording, when `user` may not log in at all,
// by any method; "" when the account itself is fine. `today` is days since
// the epoch. system_account_checks: expiry and lock are checked here (UsePAM
// no); with PAM its account stack does that. The shell is always checked.
std::string account_denial(const std::string& user, const std::string& shell,
                           const AccountFacts& facts, long today, bool system_account_checks);

}  // namespace lpsshd::monitor
