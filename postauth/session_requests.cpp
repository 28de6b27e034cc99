// Session channel requests (RFC 4254 6.2-6.10). Each handler reads the
// request's remaining fields and returns whether it succeeded; a malformed
// request sets error_ and ends the connection.
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "monitor/protocol_client.h"
#include "pattern/wildcard.h"
#include "postauth/channel_messages.h"
#include "postauth/channels.h"
#include "postauth/terminal_modes.h"

namespace lpsshd::postauth {

namespace {

bool valid_env_name(std::string_view n) {
  if (n.empty()) return false;
  for (char ch : n)
    if (!(ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
      return false;
  return true;
}

// Signals a client may send (RFC 4254 6.10), without the "SIG" prefix.
int signal_number(std::string_view name) {
  static constexpr struct {
    const char* name;
    int sig;
  } kSignals[] = {{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
                  {"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
                  {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
                  {"USR2", SIGUSR2}};
  for (const auto& s : kSignals)
    if (name == s.name) return s.sig;
  return 0;
}

bool is_char_device(int fd) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
}

// Sets NAME=value in env, replacing an earlier NAME.
void set_env(std::vector<std::string>& env, const std::string& entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string::npos) return;
  for (auto& e : env) {
    if (e.compare(0, eq + 1, entry, 0, eq + 1) == 0) {
      e = entry;
      return;
    }
  }
  env.push_back(entry);
}

winsize window(uint32_t cols, uint32_t rows, uint32_t wpx, uint32_t hpx) {
  auto clamp = [](uint32_t v) { return static_cast<unsigned short>(v > 0xffff ? 0xffff : v); };
  winsize ws{};
  ws.ws_col = clamp(cols);
  ws.ws_row = clamp(rows);
  ws.ws_xpixel = clamp(wpx);
  ws.ws_ypixel = clamp(hpx);
  return ws;
}
}  // namespace

bool ConnectionService::req_pty(Channel& c, wire::Bytes body) {
  PtyReq p;
  if (!parse_pty_req(body, p)) {
    fail("malformed pty-req");
    return false;
  }
  const std::string& term = p.term;
  const wire::Bytes modes = p.modes;
  if (c.pty || c.process) return false;
  if (!monproto::send(monitor_fd_, monproto::PtyRequest{})) return false;
  monproto::PtyReply reply;
  std::vector<proc::UniqueFd> fds;
  if (!monproto::receive_with_fds(monitor_fd_, reply, fds) || !reply.ok) return false;
  // The monitor is trusted less than it trusts itself: check what arrived.
  if (fds.size() != monproto::PtyReply::kFds || !is_char_device(fds[0].get()) ||
      !is_char_device(fds[1].get()))
    return false;
  PtyState pty{std::move(fds[0]), std::move(fds[1]), reply.tty, term, reply.last_login};
  termios tio;
  if (tcgetattr(pty.slave.get(), &tio) == 0) {
    if (!apply_terminal_modes(modes, tio)) {
      fail("malformed terminal modes");
      release_pty_name(reply.tty);
      return false;
    }
    tcsetattr(pty.slave.get(), TCSANOW, &tio);
  }
  const winsize ws = window(p.cols, p.rows, p.width_px, p.height_px);
  ioctl(pty.master.get(), TIOCSWINSZ, &ws);
  c.pty = std::move(pty);
  return true;
}

// "shell" (no fields) and "exec"
bool ConnectionService::req_exec(Channel& c, wire::Bytes body, bool shell) {
  std::optional<std::string> command;
  if (!shell) {
    std::string cmd;
    if (!parse_exec(body, cmd)) {
      fail("malformed exec request");
      return false;
    }
    command = std::move(cmd);
  } else if (!body.empty()) {
    fail("malformed shell request");
    return false;
  }
  if (c.process) return false;
  auto env = session_environment(user_, endpoints_);
  // PAM's variables (pam_env, pam_mail, ...) replace defaults of the same
  // name, as with sshd; then the client's accepted ones.
  for (const auto& pe : settings_.pam_env) set_env(env, pe);
  for (const auto& ce : c.env) set_env(env, ce);
  if (c.pty) {
    env.push_back("TERM=" + c.pty->term);
    env.push_back("SSH_TTY=" + c.pty->tty);
    Terminal term{c.pty->slave.get(), ""};
    if (shell) term.banner = login_banner(user_, settings_.print_last_log ? c.pty->last_login : "",
                                          settings_.print_motd);
    c.process = start_user_process(user_, env, command, &term, c.pty->master.get());
    // Only the user's process holds the slave now: when it and its
    // children are gone, reads on the master end.
    c.pty->slave.reset();
  } else {
    c.process = start_user_process(user_, env, command);
  }
  return c.process.has_value();
}

// "env": only names AcceptEnv allows.
bool ConnectionService::req_env(Channel& c, wire::Bytes body) {
  std::string name, value;
  if (!parse_env(body, name, value)) {
    fail("malformed env request");
    return false;
  }
  if (c.process || c.env.size() >= kMaxEnvPerSession || !valid_env_name(name) ||
      !pattern::match_any(settings_.accept_env, name))
    return false;
  c.env.push_back(name + "=" + value);
  return true;
}

bool ConnectionService::req_window_change(Channel& c, wire::Bytes body) {
  WindowChange w;
  if (!parse_window_change(body, w)) {
    fail("malformed window-change");
    return false;
  }
  if (!c.pty) return false;
  const winsize ws = window(w.cols, w.rows, w.width_px, w.height_px);
  return ioctl(c.pty->master.get(), TIOCSWINSZ, &ws) == 0;
}

bool ConnectionService::req_signal(Channel& c, wire::Bytes body) {
  std::string name;
  if (!parse_signal(body, name)) {
    fail("malformed signal request");
    return false;
  }
  const int sig = signal_number(name);
  if (sig == 0 || !c.process || c.exited) return false;
  // The process leads its own session and process group.
  return kill(-c.process->pid, sig) == 0 || kill(c.process->pid, sig) == 0;
}

bool ConnectionService::req_break(Channel& c, wire::Bytes body) {
  uint32_t ms = 0;
  if (!parse_break(body, ms)) {
    fail("malformed break request");
    return false;
  }
  if (!c.pty) return false;
  return tcsendbreak(c.pty->master.get(), 0) == 0;
}

void ConnectionService::release_pty_name(const std::string& tty) {
  monproto::send(monitor_fd_, monproto::PtyRelease{tty});
}

void ConnectionService::release_pty(Channel& c) {
  if (!c.pty) return;
  const std::string tty = c.pty->tty;
  c.pty.reset();  // close our master before the monitor logs the session out
  release_pty_name(tty);
}

}  // namespace lpsshd::postauth
