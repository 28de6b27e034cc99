#include "monitor/pam_session.h"

#include <fcntl.h>
#include <poll.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "log/escape.h"
#include "log/log.h"
#include "monitor/children.h"
#include "proc/fd_passing.h"
#include "proc/spawn.h"

namespace lpsshd::monitor {

int64_t monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

namespace {
// Debian 12's <sys/pidfd.h> lacks extern "C": the system calls directly.
int open_pidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }  // close-on-exec
void kill_pidfd(int fd) { syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0); }

bool wait_readable(int fd, int64_t deadline_ms) {
  while (true) {
    const int64_t left = deadline_ms - monotonic_ms();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

std::vector<crypto::SecretBytes> empty_answers(size_t n) {
  std::vector<crypto::SecretBytes> a;
  a.resize(n);
  return a;
}

// Outside authentication nobody can answer: messages are dropped and
// prompts get empty answers.
std::optional<std::vector<crypto::SecretBytes>> silent(const pamproto::Prompts& p) {
  return empty_answers(p.prompts.size());
}
}  // namespace

PamOutcome PamSession::finish(bool ok, std::string error) {
  PamOutcome o{ok, std::move(error), std::move(pending_info_)};
  pending_info_.clear();
  return o;
}

void PamSession::kill_user() {
  if (user_pidfd_) kill_pidfd(user_pidfd_.get());
}

void PamSession::kill() {
  kill_user();
  user_pidfd_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  channel_.reset();
}

bool PamSession::ensure_started(const std::string& pam_user, int64_t deadline_ms) {
  if (active()) return true;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
  proc::UniqueFd mine(sv[0]), theirs(sv[1]);
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  proc::SpawnSpec spec;
  spec.path = proc::helper_path("lpsshd-pam");
  spec.argv = {"lpsshd-pam", "-m", std::to_string(getpid()), "-c",
               std::to_string(user_core_limit())};
  for (auto& a : log::helper_args()) spec.argv.push_back(std::move(a));
  spec.fds = {theirs.get(), devnull.get(), STDERR_FILENO};
  pid_ = proc::spawn(spec);
  if (pid_ < 0) return false;
  channel_ = std::move(mine);
  auto r = run(pamproto::encode(pamproto::Start{service_, pam_user, rhost_}), {}, silent, deadline_ms);
  if (!r || r->code != PAM_SUCCESS) {
    log::error("PAM: pam_start failed: %s", r ? log::escape(r->message).c_str() : "no answer");
    kill();
    return false;
  }
  return true;
}

std::optional<pamproto::Result> PamSession::run(const std::vector<uint8_t>& request,
                                                std::span<const int> fds, const Converse& conv,
                                                int64_t deadline_ms) {
  if (!channel_ || !proc::send_datagram(channel_.get(), request, fds)) return std::nullopt;
  while (true) {
    if (!wait_readable(channel_.get(), deadline_ms)) {
      log::error("PAM: no answer from the PAM helper in time; killing it");
      kill();
      return std::nullopt;
    }
    std::vector<uint8_t> buf;
    std::vector<proc::UniqueFd> got_fds;
    std::string why;
    if (proc::recv_datagram(channel_.get(), pamproto::kMaxMessage, buf, got_fds, why) !=
        proc::RecvStatus::kOk) {
      // Whatever the request was, it did not happen: the caller fails it.
      log::error("PAM: the PAM helper is gone mid-request%s%s; killing it", why.empty() ? "" : ": ",
                 log::escape(why).c_str());
      kill();
      return std::nullopt;
    }
    if (!got_fds.empty() || buf.empty()) break;
    if (buf[0] == static_cast<uint8_t>(pamproto::Type::kResult)) {
      pamproto::Result r;
      if (!pamproto::decode(buf, r)) break;
      return r;
    }
    pamproto::Prompts p;
    if (!pamproto::decode(buf, p)) break;
    auto answers = conv(p);
    pamproto::Answers a;
    a.ok = answers.has_value() && answers->size() == p.prompts.size();
    if (a.ok) a.answers = std::move(*answers);
    auto bytes = pamproto::encode(a);
    const bool sent = proc::send_datagram(channel_.get(), bytes);
    sodium_memzero(bytes.data(), bytes.size());
    if (!sent) break;
  }
  log::error("PAM: malformed message from the PAM helper; killing it");
  kill();
  return std::nullopt;
}

PamSession::Converse PamSession::keyboard(const Ask& ask, bool may_succeed) {
  return [this, &ask, may_succeed](const pamproto::Prompts& p) -> std::optional<std::vector<crypto::SecretBytes>> {
    monproto::KbdintQuery q;
    std::vector<size_t> prompt_index;
    for (size_t i = 0; i < p.prompts.size(); ++i) {
      const auto& m = p.prompts[i];
      if (m.style == pamproto::Style::kInfo || m.style == pamproto::Style::kError) {
        pending_info_ += m.text;
        pending_info_ += '\n';
      } else {
        q.prompts.push_back({m.text, m.style == pamproto::Style::kEchoOn});
        prompt_index.push_back(i);
      }
    }
    auto answers = empty_answers(p.prompts.size());
    // Messages without a prompt wait for the next INFO_REQUEST.
    if (q.prompts.empty()) return answers;
    q.instruction = std::move(pending_info_);
    pending_info_.clear();
    if (q.instruction.size() > 8000) q.instruction.resize(8000);
    auto client = ask(q);
    if (!client || client->size() != q.prompts.size()) return std::nullopt;
    for (size_t j = 0; j < prompt_index.size(); ++j)
      answers[prompt_index[j]] = may_succeed ? std::move((*client)[j]) : never_matching_password();
    return answers;
  };
}

PamOutcome PamSession::authenticate(const PamRequest& req, const Ask& ask, int64_t deadline_ms) {
  if (!ensure_started(req.pam_user, deadline_ms)) return finish(false, "PAM unavailable");
  Converse conv;
  if (req.method == PamMethod::kPassword) {
    // The password answers every hidden prompt; nothing can be shown.
    conv = [this, &req](const pamproto::Prompts& p) -> std::optional<std::vector<crypto::SecretBytes>> {
      auto a = empty_answers(p.prompts.size());
      for (size_t i = 0; i < p.prompts.size(); ++i) {
        const auto& m = p.prompts[i];
        if (m.style == pamproto::Style::kEchoOff) a[i] = req.password.clone();
        else if (m.style == pamproto::Style::kInfo || m.style == pamproto::Style::kError)
          pending_info_ += m.text + "\n";
      }
      return a;
    };
  } else {
    conv = keyboard(ask, req.may_succeed);
  }
  auto r = run(pamproto::encode(pamproto::Authenticate{false}), {}, conv, deadline_ms);
  if (!r) return finish(false, "PAM helper failed");
  if (!req.may_succeed) {
    // The policy refuses this user the method: only pam_authenticate ran,
    // on answers that cannot match. The account stack and a password change
    // would answer differently for the right password; nothing PAM said
    // is kept.
    pending_info_.clear();
    return finish(false, r->code == PAM_SUCCESS ? "not allowed to use this method" : r->message);
  }
  if (r->code != PAM_SUCCESS) return finish(false, r->message);
  r = run(pamproto::encode(pamproto::Type::kAcctMgmt), {}, conv, deadline_ms);
  if (!r) return finish(false, "PAM helper failed");
  if (r->code == PAM_NEW_AUTHTOK_REQD && req.method == PamMethod::kKbdint) {
    // An expired password is changed here, in the same conversation.
    r = run(pamproto::encode(pamproto::Authenticate{true}), {}, conv, deadline_ms);
    if (!r) return finish(false, "PAM helper failed");
  }
  if (r->code != PAM_SUCCESS) return finish(false, r->message);
  return finish(true, "");
}

PamOutcome PamSession::account(const PamRequest& req, int64_t deadline_ms) {
  if (!ensure_started(req.pam_user, deadline_ms)) return finish(false, "PAM unavailable");
  // Messages (account expired, password expires soon) are kept for the
  // user; prompts cannot be answered during publickey authentication.
  auto collect = [this](const pamproto::Prompts& p) -> std::optional<std::vector<crypto::SecretBytes>> {
    for (const auto& m : p.prompts) {
      if (m.style == pamproto::Style::kInfo || m.style == pamproto::Style::kError)
        pending_info_ += m.text + "\n";
    }
    return empty_answers(p.prompts.size());
  };
  auto r = run(pamproto::encode(pamproto::Type::kAcctMgmt), {}, collect, deadline_ms);
  if (!r) return finish(false, "PAM helper failed");
  return finish(r->code == PAM_SUCCESS, r->message);
}

bool PamSession::open_session(std::vector<std::string>& env, int64_t deadline_ms) {
  auto r = run(pamproto::encode(pamproto::Type::kOpenSession), {}, silent, deadline_ms);
  if (!r || r->code != PAM_SUCCESS) {
    log::error("PAM: pam_open_session failed: %s", r ? log::escape(r->message).c_str() : "no answer");
    return false;
  }
  env = std::move(r->env);
  return true;
}

pid_t PamSession::spawn_user(const UserInfo& user, int max_sessions, const std::string& chroot,
                             int client_fd, int channel_fd, int64_t deadline_ms) {
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  pamproto::SpawnUser s;
  s.name = user.name;
  s.home = user.home;
  s.postauth_path = proc::helper_path("lpsshd-postauth");
  s.uid = user.uid;
  s.gid = user.gid;
  s.max_sessions = static_cast<uint32_t>(max_sessions);
  s.chroot = chroot;
  const int fds[3] = {client_fd, channel_fd, devnull.get()};
  auto r = run(pamproto::encode(s), fds, silent, deadline_ms);
  if (!r || r->code != PAM_SUCCESS || r->pid == 0 || r->pid > INT32_MAX) return -1;
  const pid_t pid = static_cast<pid_t>(r->pid);
  // The helper does not reap its child before kCloseSession (pam/main.cpp:
  // SIGCHLD is left at its default), so while the helper lives the pid
  // names the user's process, running or a zombie, and nothing else. Open
  // the pidfd first, then check that the helper has not even exited yet
  // (WNOWAIT: we reap it later): then the pidfd was opened while the pid
  // could not have been reused, and every signal through it reaches the
  // user's child or nobody. (Passing a pidfd from the helper would need the
  // spawn code there to change; this needs only the no-reaping rule.)
  proc::UniqueFd fd(open_pidfd(pid));
  siginfo_t si{};
  if (!fd || waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
      si.si_pid != 0) {
    // Not signalled: the pid may no longer be the user's. If the helper is
    // gone, its parent-death signal has killed the child already.
    log::error("PAM: cannot hold on to the session process %d", static_cast<int>(pid));
    return -1;
  }
  user_pidfd_ = std::move(fd);
  return pid;
}

void PamSession::close_session(int64_t deadline_ms) {
  if (!active()) return;
  // A postauth child that closed its channel is on its way out anyway; one
  // that did not (a violation, SIGTERM) must not outlive its session.
  kill_user();
  auto r = run(pamproto::encode(pamproto::Type::kCloseSession), {}, silent, deadline_ms);
  if (r && r->code != PAM_SUCCESS)
    log::error("PAM: pam_close_session failed: %s", log::escape(r->message).c_str());
  for (int i = 0; i < 100 && pid_ > 0; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    else usleep(10000);
  }
  kill();
}

}  // namespace lpsshd::monitor
