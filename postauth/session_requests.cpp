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
#include "postauth/session_environment.h"
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
  // no-pty, restrict or PermitTTY no: refused here; the monitor would
  // treat asking anyway as hostile.
  if (!settings_.grant.pty || c.pty || c.process) return false;
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
  return start_session(c, std::move(command), shell);
}

// "subsystem": a Subsystem line of sshd_config, run like a command.
bool ConnectionService::req_subsystem(Channel& c, wire::Bytes body) {
  std::string name;
  if (!parse_subsystem(body, name)) {
    fail("malformed subsystem request");
    return false;
  }
  for (const auto& sub : settings_.subsystems) {
    // internal-sftp is served in-process once the SFTP server exists; until
    // then it is refused rather than looked up as a program.
    if (sub.name == name && sub.command.rfind("internal-sftp", 0) != 0)
      return start_session(c, sub.command, false);
  }
  return false;
}

// Starts the session's process: with a forced command (the grant's, from
// ForceCommand or the key's command=) that runs instead of whatever the
// client asked, which it finds in SSH_ORIGINAL_COMMAND.
bool ConnectionService::start_session(Channel& c, std::optional<std::string> command, bool shell) {
  if (c.process) return false;
  std::optional<std::string> original;
  if (settings_.grant.command_from != monproto::Grant::CommandFrom::kNone) {
    original = std::move(command);
    command = settings_.grant.forced_command;
  }
  EnvironmentInputs in;
  in.client = c.env;
  in.user = user_.name;
  in.home = user_.home;
  in.shell = user_.shell;
  in.root = user_.uid == 0;
  in.key = settings_.grant.environment;
  in.client_ip = endpoints_.client_ip;
  in.server_ip = endpoints_.server_ip;
  in.client_port = endpoints_.client_port;
  in.server_port = endpoints_.server_port;
  in.original_command = std::move(original);
  in.pam = settings_.pam_env;
  if (c.pty) {
    in.term = c.pty->term;
    in.tty = c.pty->tty;
    Terminal term{c.pty->slave.get(), ""};
    if (shell) term.banner = login_banner(user_, settings_.print_last_log ? c.pty->last_login : "",
                                          settings_.print_motd);
    c.process = start_user_process(user_, session_environment(in), command, &term,
                                   c.pty->master.get());
    // Only the user's process holds the slave now: when it and its
    // children are gone, reads on the master end.
    c.pty->slave.reset();
  } else {
    c.process = start_user_process(user_, session_environment(in), command);
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
