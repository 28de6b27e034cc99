#include "monitor/account_checks.h"

#include <sys/stat.h>

namespace lpsshd::monitor {

std::string account_denial(const std::string& user, const std::string& shell,
                           const AccountFacts& facts, long today, bool system_account_checks) {
  if (system_account_checks) {
    // auth_shadow_acctexpired: expired once today is past sp_expire.
    if (facts.expire_day != -1 && today > facts.expire_day) return "Account " + user + " has expired";
    // Linux's LOCKED_PASSWD_PREFIX. "*" (no password) is not a lock.
    if (!facts.password.empty() && facts.password[0] == '!')
      return "User " + user + " not allowed because account is locked";
  }
  const std::string sh = shell.empty() ? "/bin/sh" : shell;
  if (!facts.shell_mode) return "User " + user + " not allowed because shell " + sh + " does not exist";
  if (!S_ISREG(*facts.shell_mode) || (*facts.shell_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
    return "User " + user + " not allowed because shell " + sh + " is not executable";
  return "";
}

}  // namespace lpsshd::monitor
