#include "postauth/session.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "monitor/protocol_client.h"
#include "pattern/wildcard.h"
#include "postauth/channel_messages.h"
#include "postauth/agent_forwarding.h"
#include "postauth/session_environment.h"
#include "postauth/sftp_backend.h"
#include "postauth/sftp_options.h"
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

bool is_char_device(int fd) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
}
}  // namespace

SessionBackend::~SessionBackend() {
  running_.reset();
  if (pty_) release_pty(ctx_.monitor_fd, pty_->tty);  // granted, never used
}

size_t SessionBackend::input(std::span<const uint8_t> bytes) {
  // Before anything runs the bytes have nowhere to go (as in sshd).
  return running_ ? running_->input(bytes) : bytes.size();
}

void SessionBackend::input_eof() {
  client_eof_ = true;
  if (running_) running_->input_eof();
}

void SessionBackend::pump() {
  if (running_) running_->pump();
}

void SessionBackend::add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) {
  if (running_) running_->add_pollfds(fds, input_pending, can_output);
}

void SessionBackend::on_poll(std::span<const pollfd> mine) {
  if (running_) running_->on_poll(mine);
}

bool SessionBackend::on_exit(pid_t pid, int status) {
  return running_ && running_->on_exit(pid, status);
}

ChannelBackend::Reply SessionBackend::request(std::string_view type, wire::Bytes body,
                                              std::string& why) {
  if (running_) return running_->request(type, body, why);
  if (type == "pty-req") return req_pty(body, why);
  if (type == "env") return req_env(body, why);
  if (type == "subsystem") return req_subsystem(body, why);
  if (type == "shell") {
    if (!body.empty()) return why = "malformed shell request", Reply::kProtocolError;
    return start(std::nullopt, true) ? Reply::kSuccess : Reply::kFailure;
  }
  if (type == "exec") {
    std::string cmd;
    if (!parse_exec(body, cmd)) return why = "malformed exec request", Reply::kProtocolError;
    return start(std::move(cmd), false) ? Reply::kSuccess : Reply::kFailure;
  }
  if (type == "window-change") return window_change(pty_, body, why);
  if (type == "auth-agent-req@openssh.com") {
    if (!body.empty()) return why = "malformed auth-agent-req", Reply::kProtocolError;
    // AllowAgentForwarding no, no-agent-forwarding, restrict: refused.
    return ctx_.settings.grant.agent_forwarding && ctx_.agent != nullptr && ctx_.agent->start()
               ? Reply::kSuccess : Reply::kFailure;
  }
  // signal and break before anything runs, x11-req, ...:
  // refused, which clients handle gracefully.
  return Reply::kFailure;
}

ChannelBackend::Reply SessionBackend::req_pty(wire::Bytes body, std::string& why) {
  PtyReq p;
  if (!parse_pty_req(body, p)) return why = "malformed pty-req", Reply::kProtocolError;
  // no-pty, restrict or PermitTTY no: refused here; the monitor would
  // treat asking anyway as hostile.
  if (!ctx_.settings.grant.pty || pty_) return Reply::kFailure;
  if (!monproto::send(ctx_.monitor_fd, monproto::PtyRequest{})) return Reply::kFailure;
  monproto::PtyReply reply;
  std::vector<proc::UniqueFd> fds;
  if (!monproto::receive_with_fds(ctx_.monitor_fd, reply, fds) || !reply.ok) return Reply::kFailure;
  // The monitor is trusted less than it trusts itself: check what arrived.
  if (fds.size() != monproto::PtyReply::kFds || !is_char_device(fds[0].get()) ||
      !is_char_device(fds[1].get())) {
    return Reply::kFailure;
  }
  PtyState pty{std::move(fds[0]), std::move(fds[1]), reply.tty, p.term, reply.last_login};
  termios tio;
  if (tcgetattr(pty.slave.get(), &tio) == 0) {
    if (!apply_terminal_modes(p.modes, tio)) {
      release_pty(ctx_.monitor_fd, reply.tty);
      return why = "malformed terminal modes", Reply::kProtocolError;
    }
    tcsetattr(pty.slave.get(), TCSANOW, &tio);
  }
  set_window_size(pty.master.get(), p.cols, p.rows, p.width_px, p.height_px);
  pty_ = std::move(pty);
  return Reply::kSuccess;
}

// "env": only names AcceptEnv allows.
ChannelBackend::Reply SessionBackend::req_env(wire::Bytes body, std::string& why) {
  std::string name, value;
  if (!parse_env(body, name, value)) return why = "malformed env request", Reply::kProtocolError;
  if (env_.size() >= kMaxEnvPerSession || !valid_env_name(name) ||
      !pattern::match_any(ctx_.settings.accept_env, name))
    return Reply::kFailure;
  env_.push_back(name + "=" + value);
  return Reply::kSuccess;
}

// "subsystem": a Subsystem line of sshd_config, run like a command.
ChannelBackend::Reply SessionBackend::req_subsystem(wire::Bytes body, std::string& why) {
  std::string name;
  if (!parse_subsystem(body, name)) return why = "malformed subsystem request", Reply::kProtocolError;
  for (const auto& sub : ctx_.settings.subsystems) {
    if (sub.name != name) continue;
    // A forced command runs instead, with the subsystem's command line in
    // SSH_ORIGINAL_COMMAND (unless it is internal-sftp itself, as in sshd).
    if (ctx_.settings.grant.command_from == monproto::Grant::CommandFrom::kNone &&
        monproto::is_internal_sftp(sub.command))
      return start_sftp(sub.command) ? Reply::kSuccess : Reply::kFailure;
    return start(sub.command, false) ? Reply::kSuccess : Reply::kFailure;
  }
  if (ctx_.log != nullptr) ctx_.log->info("subsystem request for " + name + " failed, subsystem not found");
  return Reply::kFailure;
}

bool SessionBackend::start_sftp(const std::string& command) {
  std::string error;
  auto opts = sftp::parse_internal_sftp_args(command, error);
  if (!opts) {
    if (ctx_.log != nullptr) ctx_.log->info("internal-sftp: " + error);
    return false;
  }
  const monproto::Grant& grant = ctx_.settings.grant;
  // SftpRoot: the jail's mode is also said to the server, so that it
  // refuses with the right status before Landlock would.
  if (!grant.sftp_root.empty()) {
    if (opts->start_dir.empty()) opts->start_dir = grant.sftp_root;
    if (grant.sftp_jail == monproto::Grant::SftpJail::kReadOnly) opts->read_only = true;
    if (grant.sftp_jail == monproto::Grant::SftpJail::kUploadOnly) opts->upload_only = true;
    opts->jail_root = grant.sftp_root;
  }
  sftp::SftpIdentity who{ctx_.user.name, ctx_.user.uid, ctx_.user.gid, ctx_.user.home,
                         ctx_.endpoints.client_ip};
  // Every operation at INFO, as sftp-server -l INFO (where OpenSSH's own
  // default is ERROR: an admin wants the record of what a user did). A
  // level below INFO turns the record off.
  const std::string& level = opts->log_level;
  UserLog* log = level == "QUIET" || level == "FATAL" || level == "ERROR" ? nullptr : ctx_.log;
  auto server = std::make_unique<sftp::SftpServer>(std::move(*opts), std::move(who),
                                                   [log](std::string line) {
                                                     if (log != nullptr) log->info(line);
                                                   });
  running_ = std::make_unique<SftpBackend>(sink_, std::move(server));
  if (pty_) {
    release_pty(ctx_.monitor_fd, pty_->tty);  // a file transfer needs no terminal
    pty_.reset();
  }
  if (client_eof_) running_->input_eof();
  return true;
}

bool SessionBackend::start(std::optional<std::string> command, bool shell) {
  const monproto::Grant& grant = ctx_.settings.grant;
  std::optional<std::string> original;
  if (grant.command_from != monproto::Grant::CommandFrom::kNone) {
    original = std::move(command);
    command = grant.forced_command;
    // ForceCommand internal-sftp or command="internal-sftp": in-process.
    if (monproto::is_internal_sftp(*command)) return start_sftp(*command);
  }
  // SftpRoot grants nothing else (the grant forces internal-sftp; this is
  // the second lock).
  if (!grant.sftp_root.empty()) return false;
  const UserAccount& user = ctx_.user;
  EnvironmentInputs in;
  in.client = env_;
  in.user = user.name;
  in.home = user.home;
  in.shell = user.shell;
  in.root = user.uid == 0;
  in.key = grant.environment;
  in.client_ip = ctx_.endpoints.client_ip;
  in.server_ip = ctx_.endpoints.server_ip;
  in.client_port = ctx_.endpoints.client_port;
  in.server_port = ctx_.endpoints.server_port;
  in.original_command = std::move(original);
  in.pam = ctx_.settings.pam_env;
  if (ctx_.agent != nullptr) in.auth_sock = ctx_.agent->socket_path();
  std::optional<UserProcess> process;
  if (pty_) {
    in.term = pty_->term;
    in.tty = pty_->tty;
    Terminal term{pty_->slave.get(), ""};
    if (shell)
      term.banner = login_banner(user, ctx_.settings.print_last_log ? pty_->last_login : "",
                                 ctx_.settings.print_motd);
    process = start_user_process(user, session_environment(in), command, &term, pty_->master.get());
    // Only the user's process holds the slave now: when it and its
    // children are gone, reads on the master end.
    pty_->slave.reset();
  } else {
    process = start_user_process(user, session_environment(in), command);
  }
  if (!process) return false;
  running_ = std::make_unique<ProcessBackend>(sink_, ctx_.monitor_fd, std::move(*process), std::move(pty_));
  pty_.reset();
  if (client_eof_) running_->input_eof();
  return true;
}

}  // namespace lpsshd::postauth
