// OpenSSH's checks on the account itself (monitor/account_checks.h): shadow
// expiry and a locked password without PAM, the login shell always.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "monitor/account_checks.h"

using namespace lpsshd::monitor;

namespace {
constexpr long kToday = 20000;

AccountFacts good() {
  AccountFacts f;
  f.password = "$y$j9T$salt$hash";
  f.shell_mode = S_IFREG | 0755;
  return f;
}

std::string denial(const AccountFacts& f, bool system_checks = true, const std::string& shell = "/bin/bash") {
  return account_denial("u1", shell, f, kToday, system_checks);
}
}  // namespace

TEST(AccountChecks, OrdinaryAccountIsFine) {
  EXPECT_EQ(denial(good()), "");
  AccountFacts no_password = good();
  no_password.password = "*";  // no password at all: not a lock
  EXPECT_EQ(denial(no_password), "");
  no_password.password = "";
  EXPECT_EQ(denial(no_password), "");
  AccountFacts passwd_only = good();
  passwd_only.password = "x";  // no shadow entry: the passwd field
  EXPECT_EQ(denial(passwd_only), "");
}

TEST(AccountChecks, ExpiryAsOpenSsh) {
  AccountFacts f = good();
  f.expire_day = -1;
  EXPECT_EQ(denial(f), "") << "-1: never expires";
  f.expire_day = kToday;
  EXPECT_EQ(denial(f), "") << "the expiry day itself is still usable";
  f.expire_day = kToday + 1;
  EXPECT_EQ(denial(f), "");
  f.expire_day = kToday - 1;
  EXPECT_EQ(denial(f), "Account u1 has expired");
  f.expire_day = 1;  // usermod -e 1
  EXPECT_EQ(denial(f), "Account u1 has expired");
  f.expire_day = 0;  // chage -E 0
  EXPECT_EQ(denial(f), "Account u1 has expired");
}

TEST(AccountChecks, LockedPassword) {
  for (const char* p : {"!", "!!", "!$y$j9T$salt$hash", "!*"}) {
    AccountFacts f = good();
    f.password = p;
    EXPECT_EQ(denial(f), "User u1 not allowed because account is locked") << p;
  }
  AccountFacts f = good();
  f.password = "$y$!";
  EXPECT_EQ(denial(f), "") << "only a leading ! locks";
}

TEST(AccountChecks, ExpiryAndLockAreLeftToPam) {
  AccountFacts f = good();
  f.expire_day = 1;
  f.password = "!";
  EXPECT_EQ(denial(f, false), "") << "UsePAM yes: the account stack decides";
  EXPECT_EQ(denial(f, true), "Account u1 has expired") << "expiry is checked first";
}

TEST(AccountChecks, ShellMustExistAndBeExecutable) {
  for (const bool system_checks : {true, false}) {
    AccountFacts f = good();
    f.shell_mode.reset();
    EXPECT_EQ(denial(f, system_checks, "/no/such/shell"),
              "User u1 not allowed because shell /no/such/shell does not exist");
    EXPECT_EQ(denial(f, system_checks, ""), "User u1 not allowed because shell /bin/sh does not exist");
    f.shell_mode = S_IFREG | 0644;
    EXPECT_EQ(denial(f, system_checks), "User u1 not allowed because shell /bin/bash is not executable");
    f.shell_mode = S_IFDIR | 0755;
    EXPECT_EQ(denial(f, system_checks), "User u1 not allowed because shell /bin/bash is not executable");
    f.shell_mode = S_IFREG | 0700;  // executable by its owner only: OpenSSH accepts it
    EXPECT_EQ(denial(f, system_checks), "");
    f.shell_mode = S_IFREG | 0701;
    EXPECT_EQ(denial(f, system_checks), "");
  }
}
