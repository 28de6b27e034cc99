#include "monitor/connection.h"

#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "log/escape.h"
#include "log/log.h"
#include "monitor/auth_delay.h"
#include "monitor/child_exit.h"
#include "monitor/child_outbox.h"
#include "monitor/children.h"
#include "monitor/listener_protocol.h"
#include "monitor/pam_driver.h"
#include "monitor/user_tokens.h"
#include "proc/root_owned_dir.h"
#include "monitor/pam_session.h"
#include "monitor/preauth_deadlines.h"
#include "monitor/session_ptys.h"
#include "proc/fd_passing.h"

namespace lpsshd::monitor {

namespace {

namespace lp = listener_protocol;
constexpr int kClientFd = lp::kClientFd;
constexpr int kNetnsFd = lp::kNetnsFd, kMntnsFd = lp::kMntnsFd;

// A child that leaves the monitor's replies unread for this long is ended
// (preauth: at LoginGraceTime when that is set). An honest child reads
// each reply right after its request, so it never has more than one reply
// outstanding, and one always fits an empty socket buffer: only a child
// that stopped reading on purpose gets here.
constexpr int64_t kSendStallUs = 10'000'000;
// For pam_setcred(DELETE) + pam_close_session when the connection ends.
constexpr int64_t kPamCloseMs = 10000;

int64_t now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

// The event loop state of one connection.
class Connection {
 public:
  Connection(const config::Config& cfg, MonitorCore& core, Peer peer, PreauthPlacement preauth,
             const crypto::SecretBytes& delay_secret)
      : cfg_(cfg), core_(core), peer_(std::move(peer)), preauth_(preauth),
        delay_secret_(delay_secret), pam_(cfg.pam_service_name, peer_.address),
        ptys_(cfg.max_sessions, cfg.print_last_log, peer_.address) {}
  // However the connection ends (the child's channel closed, a violation,
  // a child that stopped reading, SIGTERM), its PTYs are logged out and
  // given back, and the PAM session is closed: the user's child is killed,
  // then pam_setcred(DELETE) and pam_close_session run, within a deadline.
  ~Connection() {
    ptys_.release_all();
    if (pam_session_open_) pam_.close_session(monotonic_ms() + kPamCloseMs);
  }

  int run();

 private:
  bool start_preauth();
  bool start_postauth();
  void kill_child();
  int finish_child();
  int end_connection();
  void reap();
  bool handle_message();
  bool dispatch(Outcome out);
  bool violation(const std::string& reason);
  void queue(Outgoing m) { outbox_.push(std::move(m)); }
  bool flush();
  void hold_if_auth_failure(const std::vector<uint8_t>& reply);
  int64_t stall_deadline_us() const;
  PreauthStage preauth_stage() const;
  int64_t preauth_deadline_us() const;
  void log_stall() const;
  const char* child_name() const { return which_ == Child::kPreauth ? "preauth" : "postauth"; }

  const config::Config& cfg_;
  MonitorCore& core_;
  Peer peer_;
  PreauthPlacement preauth_;
  const crypto::SecretBytes& delay_secret_;  // for user_failure_delay_us
  ChildProcess child_;
  ChildOutbox outbox_;            // to the current child; nothing is read while it is not empty
  int64_t hold_until_us_ = 0;     // a failure reply in the outbox is not sent before this
  int64_t stuck_since_us_ = 0;    // the outbox has not moved since (0: not stuck)
  int64_t grace_deadline_us_ = INT64_MAX;
  int64_t start_us_ = 0;          // when the connection started
  PreauthDeadlines deadlines_;    // of each stage before authentication
  int64_t request_us_ = 0;        // when the request being answered arrived
  uint8_t request_type_ = 0;      // and its type
  int64_t pam_due_us_ = 0;        // PAM's fixed failure delay for that request
  Child which_ = Child::kNone;
  int exit_status_ = -1;  // of the current child, once reaped
  int result_ = 0;
  int64_t grace_deadline_ = INT64_MAX;
  PamSession pam_;
  bool pam_session_open_ = false;
  bool postauth_via_pam_ = false;  // the user's child belongs to the PAM helper
  pid_t session_pid_ = -1;          // for utmp
  std::vector<std::string> pam_env_;
  proc::UniqueFd signals_;
  SessionPtys ptys_;  // PTYs this connection holds
};

bool Connection::start_preauth() {
  uid_t uid;
  gid_t gid;
  if (preauth_.uid > 0) {
    // A uid and gid of its own: no other connection's child can signal,
    // trace or read this one even if a sandbox layer had a hole.
    uid = static_cast<uid_t>(preauth_.uid);
    gid = static_cast<gid_t>(preauth_.uid);
  } else {
    struct passwd* pw = getpwnam(cfg_.preauth_user.c_str());
    if (pw == nullptr) {
      log::error("Privilege separation user %s does not exist", cfg_.preauth_user.c_str());
      return false;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  auto c = spawn_preauth(kClientFd, uid, gid, cfg_.preauth_chroot,
                         preauth_.namespaces ? kNetnsFd : -1, preauth_.namespaces ? kMntnsFd : -1);
  if (!c) {
    log::error("could not start the preauth child for %s port %u: %s", peer_.address.c_str(), peer_.port,
               std::strerror(errno));
    return false;
  }
  child_ = std::move(*c);
  which_ = Child::kPreauth;
  exit_status_ = -1;
  // Sent by run()'s loop, not here: a child that is already gone (a
  // compromised one killed by seccomp before the HELLO reached it) must end
  // through end_connection(), which logs how it died and reports the crash
  // to the listener, not through a silent exit.
  queue(Outgoing(core_.hello()));
  return true;
}

bool Connection::start_postauth() {
  // The preauth child must be gone before the user's child reads the socket:
  // nothing it left behind may read or write the connection again.
  kill_child();
  // ChrootDirectory: checked here, where a failure can be logged; the
  // postauth child checks again, by descriptor, and enters what it checked.
  std::string chroot;
  if (!cfg_.chroot_directory.empty()) {
    chroot = expand_user_tokens(cfg_.chroot_directory, core_.user());
    std::string why;
    if (chroot.empty() || !proc::open_root_owned_dir(chroot, why)) {
      log::error("%s", chroot.empty() ? "bad ChrootDirectory token" : why.c_str());
      return false;
    }
  }
  if (cfg_.use_pam) {
    // One pam_open_session per connection; the helper then forks the
    // user's child so that pam_setcred runs in the process that becomes
    // the user.
    const int64_t deadline = monotonic_ms() + 30000;
    if (!pam_.open_session(pam_env_, deadline)) return false;
    pam_session_open_ = true;
    core_.set_pam_env(pam_env_);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
    proc::UniqueFd mine(sv[0]), theirs(sv[1]);
    session_pid_ = pam_.spawn_user(core_.user(), cfg_.max_sessions, chroot, kClientFd, theirs.get(),
                                   deadline);
    if (session_pid_ < 0) {
      log::error("could not start session process for %s", core_.user().name.c_str());
      return false;
    }
    // Not our child: it is tracked through its channel, and killed
    // through the pidfd PamSession holds for it.
    child_.pid = -1;
    child_.channel = std::move(mine);
    postauth_via_pam_ = true;
  } else {
    auto c = spawn_postauth(kClientFd, core_.user(), cfg_.max_sessions, chroot);
    if (!c) {
      log::error("could not start session process for %s", core_.user().name.c_str());
      return false;
    }
    child_ = std::move(*c);
    session_pid_ = child_.pid;
  }
  which_ = Child::kPostauth;
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
  // The empty namespaces (or /dev/null without -N) only serve to start a
  // preauth child, and this connection will start none again.
  close(kNetnsFd);
  close(kMntnsFd);
  return true;
}

void Connection::kill_child() {
  outbox_.clear();
  hold_until_us_ = stuck_since_us_ = 0;
  // The PAM helper stays: pam_close_session runs when the connection ends.
  if (postauth_via_pam_ && which_ == Child::kPostauth) pam_.kill_user();
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
int Connection::finish_child() {
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
               child_name(), peer_.address.c_str(), peer_.port);
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

void Connection::reap() {
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

// The current child's channel closed (or the connection is otherwise over
// for it): how it ended, for the log and the listener.
int Connection::end_connection() {
  ChildEnd end;
  end.child = which_;
  end.wait_status = finish_child();
  ptys_.release_all();
  end.phase = core_.phase();
  end.failures = core_.failures();
  end.exit_code = result_;
  if (which_ == Child::kPostauth) end.user_name = core_.user().name;
  end.user_for_log = core_.user_for_log();
  end.peer = peer_;
  const ChildExitReport report = classify_child_exit(end);
  log_lines(report.log);
  result_ = report.exit_code;
  return result_;
}

// Sends what is queued, as far as the channel takes it. False if the child
// is gone.
bool Connection::flush() {
  bool progress = false;
  const auto r = outbox_.flush(child_.channel.get(), progress);
  if (r == ChildOutbox::Flush::kError) return false;
  if (r == ChildOutbox::Flush::kEmpty) stuck_since_us_ = 0;
  else if (progress || stuck_since_us_ == 0) stuck_since_us_ = now_us();
  return true;
}

// When a child that stopped reading is ended: preauth at LoginGraceTime
// (or after kSendStallUs without one), postauth after kSendStallUs.
int64_t Connection::stall_deadline_us() const {
  if (stuck_since_us_ == 0) return INT64_MAX;
  if (which_ == Child::kPreauth && grace_deadline_us_ != INT64_MAX) return grace_deadline_us_;
  return stuck_since_us_ + kSendStallUs;
}

PreauthStage Connection::preauth_stage() const {
  switch (core_.phase()) {
    case Phase::kKexInit: return PreauthStage::kVersion;
    case Phase::kKexEcdh: return PreauthStage::kKex;
    default: return PreauthStage::kAuth;
  }
}

// The end of the current stage before authentication (monitor/preauth_deadlines.h).
int64_t Connection::preauth_deadline_us() const {
  const int64_t limit_ms = deadlines_.limit_ms(preauth_stage());
  return limit_ms > 0 ? start_us_ + limit_ms * 1000 : INT64_MAX;
}

void Connection::log_stall() const {
  log::error("%s child for %s port %u stopped reading the monitor's replies; killing it",
             child_name(), peer_.address.c_str(), peer_.port);
}

// An authentication request that did not authenticate (failure, or a
// publickey query's PK_OK) is answered no sooner than the user's minimum
// failure time after it arrived (monitor/auth_delay.h), and a PAM failure
// no sooner than PAM's fixed delay; "none" is not delayed (as in OpenSSH).
// The reply waits in the outbox; meanwhile nothing more is read from the
// child, but signals and LoginGraceTime are handled.
void Connection::hold_if_auth_failure(const std::vector<uint8_t>& reply) {
  const int64_t pam_due = std::exchange(pam_due_us_, 0);
  const auto t = static_cast<monproto::Type>(request_type_);
  if (t != monproto::Type::kAuthPubkey && t != monproto::Type::kAuthPassword &&
      t != monproto::Type::kAuthKbdint)
    return;
  monproto::AuthReply r;
  if (!monproto::decode(reply, r) || r.result == monproto::AuthResult::kSuccess) return;
  const auto& user = core_.bound_user();
  const int64_t delay = user_failure_delay_us(delay_secret_.span(), user ? *user : "");
  const int64_t due = request_us_ + failure_reply_due_us(delay, now_us() - request_us_);
  hold_until_us_ = std::max({hold_until_us_, due, pam_due});
}

// Returns false when the connection is over.
bool Connection::handle_message() {
  std::vector<uint8_t> msg;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  request_us_ = now_us();
  pam_due_us_ = 0;
  auto st = proc::recv_datagram(child_.channel.get(), monproto::kMaxMessage, msg, fds, why);
  if (st == proc::RecvStatus::kClosed || st == proc::RecvStatus::kError) return false;
  request_type_ = msg.empty() ? 0 : msg[0];
  Outcome out;
  if (st == proc::RecvStatus::kViolation) {
    out.kind = Outcome::Kind::kViolation;
    out.reason = core_.where(msg.empty() ? 0 : msg[0]) + why;
    core_.close();
  } else {
    core_.set_clock(monotonic_ms());
    out = core_.handle(which_, msg, fds.size());
  }
  return dispatch(std::move(out));
}

bool Connection::violation(const std::string& reason) {
  log::error("monitor: protocol violation by %s child: %s; killing it (peer %s port %u)",
             child_name(), reason.c_str(), peer_.address.c_str(), peer_.port);
  kill_child();
  result_ = lp::kExitCrash;
  return false;
}

bool Connection::dispatch(Outcome out) {
  switch (out.kind) {
    case Outcome::Kind::kViolation:
      return violation(out.reason);
    case Outcome::Kind::kReply:
      // Queued messages are wiped once sent (they may hold keys).
      hold_if_auth_failure(out.reply);
      queue(Outgoing(std::move(out.reply)));
      if (!out.followup.empty()) queue(Outgoing(std::move(out.followup)));
      return true;
    case Outcome::Kind::kEndAfterReply:
      hold_if_auth_failure(out.reply);
      queue(Outgoing(std::move(out.reply)));
      return true;  // the child says goodbye to the client and exits
    case Outcome::Kind::kStartPostauth:
      return start_postauth();
    case Outcome::Kind::kAllocatePty:
      queue(ptys_.allocate(core_.user(), session_pid_));
      return true;
    case Outcome::Kind::kReleasePty:
      if (!ptys_.release(out.reason)) {
        const std::string where = core_.where(static_cast<uint8_t>(monproto::Type::kPtyRelease));
        core_.close();
        return violation(where + "release of a PTY it does not hold (" + log::escape(out.reason) + ")");
      }
      return true;
    case Outcome::Kind::kPamAuthenticate:
    case Outcome::Kind::kPamAccount: {
      int64_t due_ms = 0;
      Outcome r = run_pam_request(pam_, core_, which_, child_.channel.get(), out,
                                  grace_deadline_, due_ms);
      // The fixed delay counts from the request's arrival.
      if (due_ms > 0)
        pam_due_us_ = std::max(due_ms * 1000, request_us_ + kPamFailureDelayMs * 1000);
      return dispatch(std::move(r));
    }
    case Outcome::Kind::kNothing:
      return true;
    case Outcome::Kind::kPamAnswers: {
      // Unreachable: the table allows answers only while a question is out.
      const std::string where = core_.where(static_cast<uint8_t>(monproto::Type::kKbdintAnswers));
      core_.close();
      return violation(where + "answers without a question");
    }
  }
  return false;
}

int Connection::run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);

  const int64_t grace_us = int64_t{cfg_.login_grace_time} * 1000000;
  start_us_ = now_us();
  deadlines_ = preauth_deadlines(cfg_.login_grace_time);
  if (grace_us > 0) {
    grace_deadline_us_ = start_us_ + grace_us;
    grace_deadline_ = monotonic_ms() + grace_us / 1000;
  }
  if (!start_preauth()) return 1;  // it logged why; there is no child

  while (true) {
    const int64_t now = now_us();
    const bool preauth_phase = core_.phase() < Phase::kPostauthStart;
    if (preauth_phase && now >= preauth_deadline_us()) {
      if (!outbox_.empty() && stuck_since_us_ != 0) log_stall();
      const PreauthStage stage = preauth_stage();
      if (deadlines_.limit_ms(stage) != deadlines_.grace_ms)
        log::verbose("%s from %s port %u within %lld s", preauth_stage_missing(stage), peer_.address.c_str(),
                     peer_.port, static_cast<long long>(deadlines_.limit_ms(stage) / 1000));
      log::info("Timeout before authentication for %s port %u", peer_.address.c_str(), peer_.port);
      kill_child();
      return lp::kExitGraceExceeded;
    }
    if (now >= stall_deadline_us()) {
      // Only a hostile child stops reading (see kSendStallUs).
      log_stall();
      kill_child();
      result_ = lp::kExitCrash;  // classify_child_exit: a postauth child's is the user's
      return end_connection();
    }
    // A reply that has just become due goes at once; if it does not fit,
    // the stall deadline starts now.
    if (!outbox_.empty() && now >= hold_until_us_ && stuck_since_us_ == 0 && !flush())
      return end_connection();
    const bool held = !outbox_.empty() && now < hold_until_us_;
    int64_t wake = preauth_phase ? preauth_deadline_us() : INT64_MAX;
    if (held) wake = std::min(wake, hold_until_us_);
    else wake = std::min(wake, stall_deadline_us());
    // One thing at a time with the child: its next request is read only
    // once every reply to the last one has gone.
    short events = 0;
    if (child_.channel) events = outbox_.empty() ? POLLIN : held ? 0 : POLLOUT;
    pollfd p[2] = {{signals_.get(), POLLIN, 0}, {child_.channel.get(), events, 0}};
    timespec ts{}, *timeout = nullptr;
    if (wake != INT64_MAX) {
      const int64_t left = std::max<int64_t>(wake - now, 0);
      ts.tv_sec = static_cast<time_t>(left / 1000000);
      ts.tv_nsec = static_cast<long>(left % 1000000) * 1000;
      timeout = &ts;
    }
    const int n = ppoll(p, child_.channel ? 2 : 1, timeout, nullptr);
    if (n < 0 && errno != EINTR) return 1;
    if (n <= 0) continue;
    if (p[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(signals_.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          reap();
        } else {
          log::verbose("Received signal %u; terminating.", si.ssi_signo);
          kill_child();
          return 1;  // ~Connection gives back the PTYs and closes the PAM session
        }
      }
    }
    if (!child_.channel) {
      if (child_.pid < 0 && exit_status_ >= 0) return result_;
      continue;
    }
    const short re = p[1].revents;
    if (re & POLLOUT) {
      if (!flush()) return end_connection();
    } else if (!outbox_.empty() && (re & (POLLHUP | POLLERR))) {
      // Gone with replies undelivered: nothing more to do for it.
      outbox_.clear();
      return end_connection();
    }
    if (outbox_.empty() && (re & (POLLIN | POLLHUP | POLLERR))) {
      if (!handle_message()) return end_connection();
      // What is due now goes at once, without another round of poll.
      if (child_.channel && !outbox_.empty() && now_us() >= hold_until_us_ && !flush())
        return end_connection();
    }
  }
}

}  // namespace

int run_connection(const config::Config& cfg, MonitorCore& core, Peer peer,
                   PreauthPlacement preauth, const crypto::SecretBytes& delay_secret) {
  Connection c(cfg, core, std::move(peer), preauth, delay_secret);
  return c.run();
}

}  // namespace lpsshd::monitor
