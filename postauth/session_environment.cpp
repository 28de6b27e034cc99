#include "postauth/session_environment.h"

#include <string_view>

namespace lpsshd::postauth {

namespace {
// Debian's sshd default PATHs.
constexpr const char* kUserPath = "/usr/local/bin:/usr/bin:/bin:/usr/games";
constexpr const char* kRootPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class Env {
 public:
  // NAME=value; replaces an earlier NAME in place.
  void set(std::string_view name, std::string_view value) {
    std::string entry(name);
    entry += '=';
    entry += value;
    for (auto& e : env_) {
      if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
        e = std::move(entry);
        return;
      }
    }
    env_.push_back(std::move(entry));
  }
  void set_entry(const std::string& entry) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) return;
    set(std::string_view(entry).substr(0, eq), std::string_view(entry).substr(eq + 1));
  }
  std::vector<std::string> take() { return std::move(env_); }

 private:
  std::vector<std::string> env_;
};

// PAM may not speak for the connection itself (OpenSSH's denylist, plus the
// original command, which comes earlier in this order and must stay true).
bool pam_may_set(std::string_view entry) {
  return !entry.starts_with("SSH_AUTH_INFO") && !entry.starts_with("SSH_CONNECTION") &&
         !entry.starts_with("SSH_ORIGINAL_COMMAND=");
}
}  // namespace

std::vector<std::string> session_environment(const EnvironmentInputs& in) {
  Env env;
  for (const auto& e : in.client) env.set_entry(e);
  env.set("USER", in.user);
  env.set("LOGNAME", in.user);
  env.set("HOME", in.home);
  env.set("PATH", in.root ? kRootPath : kUserPath);
  env.set("MAIL", "/var/mail/" + in.user);
  env.set("SHELL", in.shell);
  if (in.term) env.set("TERM", *in.term);
  for (const auto& e : in.key) env.set_entry(e);
  const std::string client_port = std::to_string(in.client_port);
  const std::string server_port = std::to_string(in.server_port);
  env.set("SSH_CLIENT", in.client_ip + " " + client_port + " " + server_port);
  env.set("SSH_CONNECTION", in.client_ip + " " + client_port + " " + in.server_ip + " " + server_port);
  if (in.tty) env.set("SSH_TTY", *in.tty);
  if (in.original_command) env.set("SSH_ORIGINAL_COMMAND", *in.original_command);
  for (const auto& e : in.pam)
    if (pam_may_set(e)) env.set_entry(e);
  if (in.auth_sock) env.set("SSH_AUTH_SOCK", *in.auth_sock);
  return env.take();
}

}  // namespace lpsshd::postauth
