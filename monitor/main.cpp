// lpsshd-monitor: one per connection, root, the only privileged actor.
//
// Descriptors from the listener: 0 the client socket, 1 /dev/null, 2 the log
// (the listener's stderr with -e, else /dev/null), 3 the effective
// configuration as text, and with -N 4 and 5, the empty network and mount
// namespaces the preauth child joins. It loads the host key, starts the preauth child,
// answers its requests through MonitorCore, starts the postauth child as the
// user after authentication, and stays until the connection ends.
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "config/config.h"
#include "crypto/keyfile.h"
#include "log/escape.h"
#include "log/log.h"
#include "monitor/children.h"
#include "monitor/listener_protocol.h"
#include "monitor/login_record.h"
#include "monitor/pty_alloc.h"
#include "crypto/host_key_file.h"
#include "monitor/monitor_core.h"
#include "monitor/pam_session.h"
#include "monitor/system_auth.h"
#include "proc/fd_passing.h"
#include "proc/socket_address.h"

using namespace lpsshd;

namespace {

namespace lp = listener_protocol;
constexpr int kClientFd = lp::kClientFd, kConfigFd = lp::kConfigFd;
constexpr int kNetnsFd = lp::kNetnsFd, kMntnsFd = lp::kMntnsFd;
bool g_namespaces = false;   // -N: fds 4 and 5 are the empty namespaces
long g_preauth_uid = 0;      // -U: this connection's own preauth uid/gid (0: PreauthUser)

[[noreturn]] void die(const char* what) {
  log::error("fatal: %s", what);
  _exit(1);
}

bool read_config(config::Config& cfg) {
  std::string text;
  char buf[8192];
  // pread from offset 0: the listener shares one sealed memfd (and its file
  // offset) among all monitors.
  for (off_t off = 0;;) {
    const ssize_t n = pread(kConfigFd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    off += n;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1u << 20)) return false;
  }
  close(kConfigFd);
  std::string error;
  if (!config::parse_config_text(text, "listener", cfg, error)) {
    log::error("%s", error.c_str());
    return false;
  }
  return true;
}

monitor::Peer peer_of(int fd) {
  const auto a = proc::peer_address(fd);
  return monitor::Peer{a.text, a.port};
}

int64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

monitor::RootLogin root_login(config::PermitRootLogin p) {
  switch (p) {
    case config::PermitRootLogin::kYes: return monitor::RootLogin::kYes;
    case config::PermitRootLogin::kNo: return monitor::RootLogin::kNo;
    case config::PermitRootLogin::kProhibitPassword: return monitor::RootLogin::kProhibitPassword;
    case config::PermitRootLogin::kForcedCommandsOnly: return monitor::RootLogin::kForcedCommandsOnly;
  }
  return monitor::RootLogin::kNo;
}

int facility(config::SyslogFacility f) {
  static constexpr int kMap[] = {LOG_DAEMON, LOG_USER, LOG_AUTH, LOG_AUTHPRIV, LOG_LOCAL0,
                                 LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
                                 LOG_LOCAL6, LOG_LOCAL7};
  return kMap[static_cast<int>(f)];
}

// The event loop state of one connection.
class Monitor {
 public:
  Monitor(const config::Config& cfg, monitor::MonitorCore& core, monitor::Peer peer)
      : cfg_(cfg), core_(core), peer_(std::move(peer)),
        pam_(cfg.pam_service_name, peer_.address) {}
  // However the connection ends, its PTYs are logged out and given back,
  // and the PAM session is closed.
  ~Monitor() {
    release_all_ptys();
    if (pam_session_open_) pam_.close_session(monitor::monotonic_ms() + 10000);
  }

  int run();

 private:
  bool start_preauth();
  bool start_postauth();
  void kill_child();
  int finish_child();
  void reap();
  bool handle_message();
  bool dispatch(monitor::Outcome out);
  bool run_pam(monitor::Outcome out);
  std::optional<std::vector<crypto::SecretBytes>> ask_client(const monproto::KbdintQuery& q);
  bool violation(const std::string& reason);
  bool allocate_pty();
  bool release_pty(const std::string& tty);
  void release_all_ptys();

  const config::Config& cfg_;
  monitor::MonitorCore& core_;
  monitor::Peer peer_;
  monitor::ChildProcess child_;
  monitor::Child which_ = monitor::Child::kNone;
  int exit_status_ = -1;  // of the current child, once reaped
  int result_ = 0;
  int64_t grace_deadline_ = INT64_MAX;
  monitor::PamSession pam_;
  bool pam_session_open_ = false;
  bool postauth_via_pam_ = false;  // the user's child belongs to the PAM helper
  pid_t session_pid_ = -1;          // for utmp
  std::vector<std::string> pam_env_;
  std::string pending_violation_;  // set while relaying a PAM conversation
  proc::UniqueFd signals_;
  std::map<std::string, monitor::LoginRecord> ptys_;  // PTYs this connection holds
};

bool Monitor::allocate_pty() {
  monproto::PtyReply reply;
  std::optional<monitor::AllocatedPty> pty;
  const auto& u = core_.user();
  std::string error;
  if (static_cast<int>(ptys_.size()) < cfg_.max_sessions)
    pty = monitor::allocate_pty(u.uid, u.gid, error);
  else
    error = "too many PTYs for this connection (MaxSessions)";
  if (!pty) {
    log::error("session PTY for %s: %s", u.name.c_str(), error.c_str());
    return proc::send_datagram(child_.channel.get(), monproto::encode(reply));
  }
  monitor::LoginRecord rec{u.name, u.uid, pty->name, session_pid_, peer_.address};
  reply.ok = true;
  reply.tty = pty->name;
  if (cfg_.print_last_log) reply.last_login = monitor::last_login_line(u.uid);
  monitor::record_login(rec);
  ptys_[pty->name] = rec;
  const int fds[2] = {pty->master.get(), pty->slave.get()};
  // Our copies close when `pty` goes out of scope: only the user's process
  // holds the terminal, so a vanished client means SIGHUP for the shell.
  return proc::send_datagram(child_.channel.get(), monproto::encode(reply), fds);
}

bool Monitor::release_pty(const std::string& tty) {
  auto it = ptys_.find(tty);
  if (it == ptys_.end()) return false;
  monitor::record_logout(it->second);
  monitor::release_pty(tty);
  ptys_.erase(it);
  return true;
}

void Monitor::release_all_ptys() {
  while (!ptys_.empty()) release_pty(ptys_.begin()->first);
}

bool Monitor::start_preauth() {
  uid_t uid;
  gid_t gid;
  if (g_preauth_uid > 0) {
    // A uid and gid of its own: no other connection's child can signal,
    // trace or read this one even if a sandbox layer had a hole.
    uid = static_cast<uid_t>(g_preauth_uid);
    gid = static_cast<gid_t>(g_preauth_uid);
  } else {
    struct passwd* pw = getpwnam(cfg_.preauth_user.c_str());
    if (pw == nullptr) {
      log::error("Privilege separation user %s does not exist", cfg_.preauth_user.c_str());
      return false;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  auto c = monitor::spawn_preauth(kClientFd, uid, gid, cfg_.preauth_chroot,
                                  g_namespaces ? kNetnsFd : -1, g_namespaces ? kMntnsFd : -1);
  if (!c) return false;
  child_ = std::move(*c);
  which_ = monitor::Child::kPreauth;
  exit_status_ = -1;
  return proc::send_datagram(child_.channel.get(), core_.hello());
}

bool Monitor::start_postauth() {
  // The preauth child must be gone before the user's child reads the socket:
  // nothing it left behind may read or write the connection again.
  kill_child();
  if (cfg_.use_pam) {
    // One pam_open_session per connection; the helper then forks the
    // user's child so that pam_setcred runs in the process that becomes
    // the user.
    const int64_t deadline = monitor::monotonic_ms() + 30000;
    if (!pam_.open_session(pam_env_, deadline)) return false;
    pam_session_open_ = true;
    core_.set_pam_env(pam_env_);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
    proc::UniqueFd mine(sv[0]), theirs(sv[1]);
    session_pid_ = pam_.spawn_user(core_.user(), cfg_.max_sessions, kClientFd, theirs.get(), deadline);
    if (session_pid_ < 0) {
      log::error("could not start session process for %s", core_.user().name.c_str());
      return false;
    }
    // Not our child: it is tracked through its channel, and killed by
    // killing the PAM helper (its parent-death signal).
    child_.pid = -1;
    child_.channel = std::move(mine);
    postauth_via_pam_ = true;
  } else {
    auto c = monitor::spawn_postauth(kClientFd, core_.user(), cfg_.max_sessions);
    if (!c) {
      log::error("could not start session process for %s", core_.user().name.c_str());
      return false;
    }
    child_ = std::move(*c);
    session_pid_ = child_.pid;
  }
  which_ = monitor::Child::kPostauth;
  exit_status_ = -1;
  core_.postauth_started();
  // The listener counts this connection as authenticated from now on.
  const char a = lp::kAuthenticated;
  if (write(lp::kStatusFd, &a, 1) != 1) {
    // The listener may be gone (restart): nothing to tell.
  }
  close(lp::kStatusFd);
  // From here on the postauth child alone holds the connection; the
  // monitor's copy would keep it open after the session ends.
  close(kClientFd);
  return true;
}

void Monitor::kill_child() {
  if (postauth_via_pam_ && which_ == monitor::Child::kPostauth) {
    pam_session_open_ = false;
    pam_.kill();
  }
  if (child_.pid > 0) {
    kill(child_.pid, SIGKILL);
    int status;
    while (waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    child_.pid = -1;
  }
  child_.channel.reset();
}

// The child closed its channel, so it is exiting: wait briefly for its
// status (to log how it ended), then make sure it is gone. A hostile child
// that closed the channel but keeps running is killed.
int Monitor::finish_child() {
  int status = -1;
  if (exit_status_ >= 0) return exit_status_;
  for (int i = 0; i < 50 && child_.pid > 0; ++i) {
    if (waitpid(child_.pid, &status, WNOHANG) == child_.pid) {
      child_.pid = -1;
      break;
    }
    usleep(5000);
  }
  if (child_.pid > 0) {
    log::error("%s child for %s port %u closed its channel but kept running; killed",
               which_ == monitor::Child::kPreauth ? "preauth" : "postauth", peer_.address.c_str(),
               peer_.port);
    kill(child_.pid, SIGKILL);
    while (waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    child_.pid = -1;
    result_ = lp::kExitCrash;  // a child that misbehaves like this is treated as hostile
    status = -1;               // our own SIGKILL says nothing about how it ended
  }
  child_.channel.reset();
  return status;
}

void Monitor::reap() {
  int status;
  pid_t pid;
  // Only the child this loop owns: the PAM helper is waited for by
  // PamSession, so its pid is never reaped (and reused) behind its back.
  while (child_.pid > 0 && (pid = waitpid(child_.pid, &status, WNOHANG)) > 0) {
    if (pid == child_.pid) {
      exit_status_ = status;
      child_.pid = -1;
    }
  }
}

// Returns false when the connection is over.
bool Monitor::handle_message() {
  std::vector<uint8_t> msg;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  auto st = proc::recv_datagram(child_.channel.get(), monproto::kMaxMessage, msg, fds, why);
  if (st == proc::RecvStatus::kClosed || st == proc::RecvStatus::kError) return false;
  monitor::Outcome out;
  if (st == proc::RecvStatus::kViolation) {
    out.kind = monitor::Outcome::Kind::kViolation;
    out.reason = core_.where(msg.empty() ? 0 : msg[0]) + why;
    core_.close();
  } else {
    out = core_.handle(which_, msg, fds.size());
  }
  return dispatch(std::move(out));
}

bool Monitor::violation(const std::string& reason) {
  log::error("monitor: protocol violation by %s child: %s; killing it (peer %s port %u)",
             which_ == monitor::Child::kPreauth ? "preauth" : "postauth", reason.c_str(),
             peer_.address.c_str(), peer_.port);
  kill_child();
  result_ = lp::kExitCrash;
  return false;
}

bool Monitor::dispatch(monitor::Outcome out) {
  switch (out.kind) {
    case monitor::Outcome::Kind::kViolation:
      return violation(out.reason);
    case monitor::Outcome::Kind::kReply: {
      const bool sent = proc::send_datagram(child_.channel.get(), out.reply) &&
                        (out.followup.empty() || proc::send_datagram(child_.channel.get(), out.followup));
      sodium_memzero(out.reply.data(), out.reply.size());  // may hold keys
      return sent;
    }
    case monitor::Outcome::Kind::kEndAfterReply:
      proc::send_datagram(child_.channel.get(), out.reply);
      return true;  // the child says goodbye to the client and exits
    case monitor::Outcome::Kind::kStartPostauth:
      return start_postauth();
    case monitor::Outcome::Kind::kAllocatePty:
      return allocate_pty();
    case monitor::Outcome::Kind::kReleasePty:
      if (!release_pty(out.reason)) {
        const std::string where = core_.where(static_cast<uint8_t>(monproto::Type::kPtyRelease));
        core_.close();
        return violation(where + "release of a PTY it does not hold (" + log::escape(out.reason) + ")");
      }
      return true;
    case monitor::Outcome::Kind::kPamAuthenticate:
    case monitor::Outcome::Kind::kPamAccount:
      return run_pam(std::move(out));
    case monitor::Outcome::Kind::kPamAnswers: {
      // Unreachable: the table allows answers only while a question is out.
      const std::string where = core_.where(static_cast<uint8_t>(monproto::Type::kKbdintAnswers));
      core_.close();
      return violation(where + "answers without a question");
    }
  }
  return false;
}

// Relays PAM's question to the client through the preauth child and waits,
// until the grace deadline, for exactly one answer message.
std::optional<std::vector<crypto::SecretBytes>> Monitor::ask_client(const monproto::KbdintQuery& q) {
  if (!proc::send_datagram(child_.channel.get(), core_.kbdint_query(q))) return std::nullopt;
  pollfd p{child_.channel.get(), POLLIN, 0};
  const int64_t left = grace_deadline_ - monitor::monotonic_ms();
  if (left <= 0 || poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX))) <= 0)
    return std::nullopt;
  std::vector<uint8_t> msg;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  if (proc::recv_datagram(child_.channel.get(), monproto::kMaxMessage, msg, fds, why) !=
      proc::RecvStatus::kOk) {
    pending_violation_ = why.empty() ? "" : why;
    return std::nullopt;
  }
  auto out = core_.handle(which_, msg, fds.size());
  sodium_memzero(msg.data(), msg.size());
  if (out.kind != monitor::Outcome::Kind::kPamAnswers) {
    pending_violation_ = out.kind == monitor::Outcome::Kind::kViolation ? out.reason : "unexpected message";
    return std::nullopt;
  }
  return std::move(out.answers);
}

// Password, keyboard-interactive, or publickey account checks through PAM.
// Failures are answered after one fixed delay from the request, whatever
// PAM did, so timing says nothing about why.
bool Monitor::run_pam(monitor::Outcome out) {
  constexpr int64_t kFailureDelayMs = 2000;
  const int64_t started = monitor::monotonic_ms();
  pending_violation_.clear();
  monitor::PamOutcome r;
  if (out.kind == monitor::Outcome::Kind::kPamAccount) {
    r = pam_.account(*out.pam, grace_deadline_);
  } else {
    r = pam_.authenticate(*out.pam, [this](const monproto::KbdintQuery& q) { return ask_client(q); },
                          grace_deadline_);
  }
  if (!pending_violation_.empty()) return violation(pending_violation_);
  auto reply = core_.pam_finished(r.ok, r.error, r.messages);
  if (reply.kind != monitor::Outcome::Kind::kReply ||
      core_.phase() != monitor::Phase::kHandover) {
    const int64_t wait = started + kFailureDelayMs - monitor::monotonic_ms();
    if (wait > 0) usleep(static_cast<useconds_t>(wait * 1000));
  }
  return dispatch(std::move(reply));
}

int Monitor::run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);

  if (!start_preauth()) return 1;
  const int64_t grace_ms = int64_t{cfg_.login_grace_time} * 1000;
  const int64_t deadline = now_ms() + grace_ms;
  if (grace_ms > 0) grace_deadline_ = monitor::monotonic_ms() + grace_ms;

  while (true) {
    const bool preauth_phase = core_.phase() < monitor::Phase::kPostauthStart;
    int timeout = -1;
    if (preauth_phase && grace_ms > 0) {
      const int64_t left = deadline - now_ms();
      if (left <= 0) {
        log::info("Timeout before authentication for %s port %u", peer_.address.c_str(), peer_.port);
        kill_child();
        return lp::kExitGraceExceeded;
      }
      timeout = static_cast<int>(std::min<int64_t>(left, 60000));
    }
    pollfd p[2] = {{signals_.get(), POLLIN, 0}, {child_.channel.get(), POLLIN, 0}};
    const int n = poll(p, child_.channel ? 2 : 1, timeout);
    if (n < 0 && errno != EINTR) return 1;
    if (n <= 0) continue;
    if (p[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(signals_.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          reap();
        } else {
          kill_child();
          return 1;
        }
      }
    }
    if (child_.channel && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!handle_message()) {
        const bool post = which_ == monitor::Child::kPostauth;
        const int status = finish_child();
        release_all_ptys();
        if (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
          log::error("%s child for %s port %u killed by the seccomp sandbox (SIGSYS): "
                     "suspected compromise", post ? "postauth" : "preauth",
                     peer_.address.c_str(), peer_.port);
        else if (status >= 0 && WIFSIGNALED(status))
          log::error("%s child for %s port %u killed by signal %d", post ? "postauth" : "preauth",
                     peer_.address.c_str(), peer_.port, WTERMSIG(status));
        else if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) >= 2 && !post)
          log::verbose("preauth child for %s port %u exited with status %d",
                       peer_.address.c_str(), peer_.port, WEXITSTATUS(status));
        if (status >= 0 && WIFSIGNALED(status) && result_ == 0) result_ = lp::kExitCrash;
        if (post && core_.phase() != monitor::Phase::kClosed)
          log::info("Disconnected from user %s %s port %u", core_.user().name.c_str(),
                    peer_.address.c_str(), peer_.port);
        else if (result_ == 0 && core_.phase() != monitor::Phase::kClosed) {
          // sshd's wording: "authenticating user U" or "invalid user U".
          std::string who = core_.user_for_log();
          if (!who.empty() && !who.starts_with("invalid user ")) who = "authenticating user " + who;
          if (!who.empty()) who += ' ';
          log::info("Connection closed by %s%s port %u [preauth]", who.c_str(),
                    peer_.address.c_str(), peer_.port);
        }
        if (result_ == 0 && !post)
          result_ = core_.failures() > 0 ? lp::kExitAuthFail : lp::kExitNoAuth;
        return result_;
      }
    }
    if (child_.pid < 0 && exit_status_ >= 0 && !child_.channel) return result_;
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool log_stderr = false, check_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-e") == 0) log_stderr = true;
    if (std::strcmp(argv[i], "-t") == 0) check_only = log_stderr = true;
    if (std::strcmp(argv[i], "-N") == 0) g_namespaces = true;
    if (std::strcmp(argv[i], "-U") == 0 && i + 1 < argc) g_preauth_uid = std::strtol(argv[++i], nullptr, 10);
  }
  if (sodium_init() < 0) die("libsodium initialisation failed");
  // Holds the host key: no core dumps, no ptrace by same-uid processes.
  prctl(PR_SET_DUMPABLE, 0);
  // Only the soft limit: the user's processes get the original back.
  rlimit core_limit{0, 0};
  getrlimit(RLIMIT_CORE, &core_limit);
  monitor::set_user_core_limit(core_limit.rlim_cur);
  rlimit no_core{0, core_limit.rlim_max};
  setrlimit(RLIMIT_CORE, &no_core);
  // A dying listener must not take sessions with it, so no PDEATHSIG here.

  config::Config cfg;
  log::init("lpsshd", log_stderr, log::Level::kInfo, LOG_AUTH);
  if (!read_config(cfg)) die("bad configuration from listener");
  log::init("lpsshd", log_stderr, static_cast<log::Level>(cfg.log_level), facility(cfg.syslog_facility));

  std::string error;
  auto host_key = crypto::load_host_key(cfg.host_keys.front(), error);
  if (!host_key) {
    log::error("%s", error.c_str());
    return 1;
  }
  if (check_only) return 0;  // lpsshd -t, and the listener's start-up check
  auto peer = peer_of(kClientFd);
  log::verbose("Connection from %s port %u", peer.address.c_str(), peer.port);

  monitor::Settings settings;
  settings.max_auth_tries = cfg.max_auth_tries;
  settings.pubkey_authentication = cfg.pubkey_authentication;
  settings.permit_root_login = root_login(cfg.permit_root_login);
  settings.session.accept_env = cfg.accept_env;
  settings.session.print_motd = cfg.print_motd;
  settings.session.print_last_log = cfg.print_last_log;
  settings.password_authentication = cfg.password_authentication;
  settings.kbd_interactive_authentication = cfg.kbd_interactive_authentication;
  settings.use_pam = cfg.use_pam;
  settings.permit_empty_passwords = cfg.permit_empty_passwords;
  monitor::AccessRules rules{cfg.allow_users, cfg.deny_users, cfg.allow_groups, cfg.deny_groups,
                             !cfg.use_pam};
  monitor::SystemAuthBackend backend(cfg.authorized_keys_files, cfg.strict_modes, peer.address,
                                     std::move(rules));
  monitor::MonitorCore core(settings, host_key->key, backend, peer);
  Monitor m(cfg, core, peer);
  return m.run();
}
