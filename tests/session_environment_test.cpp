// The order of a session's environment (postauth/session_environment.h):
// later sources replace earlier ones, and what speaks for the connection
// itself cannot be overridden by what the user or PAM sets.
#include "postauth/session_environment.h"

#include <gtest/gtest.h>

namespace lpsshd::postauth {
namespace {

std::string get(const std::vector<std::string>& env, const std::string& name) {
  std::string found;
  int count = 0;
  for (const auto& e : env)
    if (e.rfind(name + "=", 0) == 0) {
      found = e.substr(name.size() + 1);
      ++count;
    }
  EXPECT_LE(count, 1) << name << " appears twice";
  return count ? found : "<unset>";
}

EnvironmentInputs sample() {
  EnvironmentInputs in;
  in.user = "alice";
  in.home = "/home/alice";
  in.shell = "/bin/bash";
  in.client_ip = "192.0.2.7";
  in.server_ip = "192.0.2.1";
  in.client_port = 50022;
  in.server_port = 22;
  return in;
}

TEST(SessionEnvironment, OpenSshOrder) {
  auto in = sample();
  in.client = {"LANG=C.UTF-8", "USER=mallory"};
  in.term = "xterm";
  in.tty = "/dev/pts/3";
  in.original_command = "ls";
  in.pam = {"PATH=/pam/bin", "LANG=de_DE.UTF-8"};
  const auto env = session_environment(in);
  std::vector<std::string> names;
  for (const auto& e : env) names.push_back(e.substr(0, e.find('=')));
  EXPECT_EQ(names, (std::vector<std::string>{"LANG", "USER", "LOGNAME", "HOME", "PATH", "MAIL",
                                             "SHELL", "TERM", "SSH_CLIENT", "SSH_CONNECTION",
                                             "SSH_TTY", "SSH_ORIGINAL_COMMAND"}));
  EXPECT_EQ(get(env, "USER"), "alice");  // the client cannot choose who it is
  EXPECT_EQ(get(env, "PATH"), "/pam/bin");  // pam_env sets PATH, as on Debian
  EXPECT_EQ(get(env, "LANG"), "de_DE.UTF-8");
  EXPECT_EQ(get(env, "SSH_CONNECTION"), "192.0.2.7 50022 192.0.2.1 22");
  EXPECT_EQ(get(env, "SSH_CLIENT"), "192.0.2.7 50022 22");
  EXPECT_EQ(get(env, "MAIL"), "/var/mail/alice");
}

TEST(SessionEnvironment, KeyEnvironmentCannotFakeTheConnection) {
  auto in = sample();
  in.key = {"FOO=bar", "SSH_ORIGINAL_COMMAND=harmless", "SSH_CONNECTION=10.0.0.1 1 10.0.0.2 2",
            "HOME=/tmp"};
  in.original_command = "rm -rf /";
  const auto env = session_environment(in);
  EXPECT_EQ(get(env, "FOO"), "bar");
  EXPECT_EQ(get(env, "HOME"), "/tmp");  // as sshd: the key may set HOME
  EXPECT_EQ(get(env, "SSH_ORIGINAL_COMMAND"), "rm -rf /");
  EXPECT_EQ(get(env, "SSH_CONNECTION"), "192.0.2.7 50022 192.0.2.1 22");
}

TEST(SessionEnvironment, PamCannotSpeakForTheConnection) {
  auto in = sample();
  in.original_command = "real";
  in.pam = {"SSH_CONNECTION=forged", "SSH_AUTH_INFO_0=x", "SSH_ORIGINAL_COMMAND=forged",
            "XDG_SESSION_ID=4"};
  const auto env = session_environment(in);
  EXPECT_EQ(get(env, "SSH_CONNECTION"), "192.0.2.7 50022 192.0.2.1 22");
  EXPECT_EQ(get(env, "SSH_ORIGINAL_COMMAND"), "real");
  EXPECT_EQ(get(env, "SSH_AUTH_INFO_0"), "<unset>");
  EXPECT_EQ(get(env, "XDG_SESSION_ID"), "4");
}

TEST(SessionEnvironment, OnlyWhatApplies) {
  auto in = sample();
  const auto env = session_environment(in);
  EXPECT_EQ(get(env, "TERM"), "<unset>");
  EXPECT_EQ(get(env, "SSH_TTY"), "<unset>");
  EXPECT_EQ(get(env, "SSH_ORIGINAL_COMMAND"), "<unset>");
  EXPECT_EQ(get(env, "SSH_AUTH_SOCK"), "<unset>");
  EXPECT_EQ(get(env, "PATH"), "/usr/local/bin:/usr/bin:/bin:/usr/games");
  in.root = true;
  EXPECT_EQ(get(session_environment(in), "PATH"),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  in.original_command = "";  // an empty original command is still set
  EXPECT_EQ(get(session_environment(in), "SSH_ORIGINAL_COMMAND"), "");
}

}  // namespace
}  // namespace lpsshd::postauth
