// The environment of a session's command, built in OpenSSH's order
// (session.c do_setup_env): what the client sent (AcceptEnv) first, then
// USER, LOGNAME, HOME, PATH, MAIL, SHELL, TERM, then the key's
// environment= (only as granted), then SSH_CLIENT, SSH_CONNECTION, SSH_TTY,
// SSH_ORIGINAL_COMMAND, then PAM's environment (how Debian's pam_env and
// /etc/environment set PATH), then SSH_AUTH_SOCK. A later value replaces an
// earlier one of the same name; no name appears twice. Pure: no system
// calls, so the order is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lpsshd::postauth {

struct EnvironmentInputs {
  std::vector<std::string> client;  // "NAME=value" accepted by AcceptEnv
  std::string user, home, shell;
  bool root = false;                // root gets the sbin directories in PATH
  std::optional<std::string> term;  // with a PTY
  std::vector<std::string> key;     // the grant's environment (PermitUserEnvironment)
  std::string client_ip, server_ip;
  uint16_t client_port = 0, server_port = 0;
  std::optional<std::string> tty;               // "/dev/pts/N"
  std::optional<std::string> original_command;  // with a forced command
  std::vector<std::string> pam;     // pam_getenvlist
  std::optional<std::string> auth_sock;  // agent forwarding
};

std::vector<std::string> session_environment(const EnvironmentInputs& in);

}  // namespace lpsshd::postauth
