// lpsshd-pam: the connection's PAM helper. Root, started by the monitor when
// UsePAM is on; it holds the connection's single PAM handle from pam_start
// to pam_end and runs every PAM call, so a module that blocks stalls only
// this process, which the monitor can kill. It never reads the network: the
// conversation goes through the monitor, which relays prompts to the client.
//
// Descriptors: 0 the monitor channel, 1 /dev/null, 2 the log.
// Arguments: -m MONITOR_PID -c USER_CORE_SOFT_LIMIT, and how to log (log::helper_args).
#include <grp.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <cstring>
#include <string>

#include "log/escape.h"
#include "log/log.h"
#include "pam/pam_protocol.h"
#include "pam/test_hook.h"
#include "proc/fd_passing.h"
#include "proc/spawn.h"
#include "proc/user_child.h"

using namespace lpsshd;

namespace {
constexpr int kMonitorFd = 0;

bool send(const std::vector<uint8_t>& m) { return proc::send_datagram(kMonitorFd, m); }

bool send_result(int code, pam_handle_t* pamh, uint32_t pid = 0, std::vector<std::string> env = {}) {
  pamproto::Result r;
  r.code = code;
  r.message = pam_strerror(pamh, code);
  r.pid = pid;
  r.env = std::move(env);
  return send(pamproto::encode(r));
}

// PAM's conversation: every batch of messages goes to the monitor as one
// Prompts message; the reply must answer each message in order.
int converse(int n, const struct pam_message** msg, struct pam_response** resp, void*) {
  if (n <= 0 || static_cast<size_t>(n) > pamproto::kMaxPrompts) return PAM_CONV_ERR;
  pamproto::Prompts p;
  for (int i = 0; i < n; ++i) {
    pamproto::Style s;
    switch (msg[i]->msg_style) {
      case PAM_PROMPT_ECHO_OFF: s = pamproto::Style::kEchoOff; break;
      case PAM_PROMPT_ECHO_ON: s = pamproto::Style::kEchoOn; break;
      case PAM_ERROR_MSG: s = pamproto::Style::kError; break;
      case PAM_TEXT_INFO: s = pamproto::Style::kInfo; break;
      default: return PAM_CONV_ERR;
    }
    std::string text = msg[i]->msg != nullptr ? msg[i]->msg : "";
    if (text.size() > pamproto::kMaxPromptText) text.resize(pamproto::kMaxPromptText);
    p.prompts.push_back({s, std::move(text)});
  }
  if (!send(pamproto::encode(p))) return PAM_CONV_ERR;
  std::vector<uint8_t> buf;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  pamproto::Answers a;
  const bool got = proc::recv_datagram(kMonitorFd, pamproto::kMaxMessage, buf, fds, why) ==
                       proc::RecvStatus::kOk &&
                   fds.empty() && pamproto::decode(buf, a);
  sodium_memzero(buf.data(), buf.size());
  if (!got || !a.ok || a.answers.size() != static_cast<size_t>(n)) return PAM_CONV_ERR;
  auto* r = static_cast<pam_response*>(calloc(static_cast<size_t>(n), sizeof(pam_response)));
  if (r == nullptr) return PAM_BUF_ERR;
  for (int i = 0; i < n; ++i) {
    const auto& ans = a.answers[static_cast<size_t>(i)];
    r[i].resp = static_cast<char*>(calloc(ans.size() + 1, 1));
    if (r[i].resp != nullptr && !ans.empty()) std::memcpy(r[i].resp, ans.data(), ans.size());
  }
  *resp = r;
  return PAM_SUCCESS;
}

// The monitor answers every failure after one fixed delay, so PAM's own
// randomised delay is replaced by nothing.
void no_fail_delay(int, unsigned, void*) {}

std::vector<std::string> pam_env(pam_handle_t* pamh) {
  std::vector<std::string> env;
  char** list = pam_getenvlist(pamh);
  if (list == nullptr) return env;
  for (char** e = list; *e != nullptr; ++e) {
    if (env.size() < pamproto::kMaxEnv && std::strlen(*e) < 4096 && std::strchr(*e, '=') != nullptr)
      env.emplace_back(*e);
    free(*e);
  }
  free(list);
  return env;
}

// Waits up to timeout_ms for every child to be reaped.
void reap_children(int timeout_ms) {
  for (int waited = 0;; waited += 10) {
    const pid_t p = waitpid(-1, nullptr, WNOHANG);
    if (p > 0) continue;
    if (p < 0 && errno == EINTR) continue;
    if (p < 0 || waited >= timeout_ms) return;  // ECHILD: none left
    usleep(10000);
  }
}

// pam_setcred's conversation in the user's child: nobody can answer there
// (the monitor channel belongs to the helper, the client socket to the
// session), so what a module says goes to the log and prompts fail.
int log_converse(int n, const struct pam_message** msg, struct pam_response** resp, void* user) {
  for (int i = 0; i < n; ++i) {
    const char* text = msg[i]->msg != nullptr ? msg[i]->msg : "";
    log::info("PAM message during pam_setcred for %s: %s", static_cast<const char*>(user),
              log::escape(text).c_str());
    if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
      return PAM_CONV_ERR;
  }
  *resp = nullptr;
  return PAM_SUCCESS;
}

// Runs in the forked child right after fork, while descriptor 2 is still
// the helper's log: the user's groups (initgroups, then pam_setcred, so
// modules such as pam_group and pam_limits act on the user's process).
// lpsshd-postauth is exec'd as root and drops to the user itself
// (postauth/privilege_drop.h).
bool prepare_user_child(pam_handle_t* pamh, const pamproto::SpawnUser& u, rlim_t core_soft) {
  if (!proc::prepare_user_child(u.name, u.gid, core_soft)) return false;
  const struct pam_conv to_log = {log_converse, const_cast<char*>(u.name.c_str())};
  if (pam_set_item(pamh, PAM_CONV, &to_log) != PAM_SUCCESS) return false;
  return pam_setcred(pamh, PAM_ESTABLISH_CRED) == PAM_SUCCESS;
}
}  // namespace

int main(int argc, char** argv) {
  long monitor_pid = -1;
  rlim_t user_core_soft = 0;  // what the user's session gets back
  bool log_stderr = false;
  log::Level log_level = log::Level::kInfo;
  int log_facility = LOG_AUTH;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "-m") == 0) monitor_pid = std::strtol(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "-c") == 0) user_core_soft = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!log::parse_helper_arg(argv[i], argv[i + 1], log_stderr, log_level, log_facility))
      return 2;
  }
  log::init("lpsshd", log_stderr, log_level, log_facility);
  // Passwords pass through here: no core dumps, no ptrace, no life beyond
  // the monitor.
  rlimit core;
  getrlimit(RLIMIT_CORE, &core);
  core.rlim_cur = 0;
  setrlimit(RLIMIT_CORE, &core);
  if (prctl(PR_SET_DUMPABLE, 0) != 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
      getppid() != monitor_pid || sodium_init() < 0)
    return 2;
  // The postauth child stays un-reaped until kCloseSession: while this
  // process lives, its pid cannot be reused, so the monitor can open a
  // pidfd for it and kill it without a race (monitor/pam_session.h). The
  // default disposition also lets modules that fork (pam_exec) wait for
  // their own children.
  signal(SIGCHLD, SIG_DFL);

  pam_handle_t* pamh = nullptr;
  const struct pam_conv conv = {converse, nullptr};
  std::vector<uint8_t> buf;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  while (proc::recv_datagram(kMonitorFd, pamproto::kMaxMessage, buf, fds, why) ==
         proc::RecvStatus::kOk) {
    if (buf.empty()) return 3;
    const auto type = static_cast<pamproto::Type>(buf[0]);
    const bool spawn = type == pamproto::Type::kSpawnUser;
    if (fds.size() != (spawn ? pamproto::SpawnUser::kFds : 0)) return 3;
    if (type != pamproto::Type::kStart && pamh == nullptr) return 3;
    if (!pamhook::before(type, kMonitorFd)) {
      fds.clear();
      continue;
    }
    int rc = PAM_SYSTEM_ERR;
    switch (type) {
      case pamproto::Type::kStart: {
        pamproto::Start s;
        if (pamh != nullptr || !pamproto::decode(buf, s)) return 3;
        rc = pam_start(s.service.c_str(), s.user.c_str(), &conv, &pamh);
        if (rc == PAM_SUCCESS) rc = pam_set_item(pamh, PAM_RHOST, s.rhost.c_str());
        if (rc == PAM_SUCCESS) rc = pam_set_item(pamh, PAM_TTY, "ssh");
        if (rc == PAM_SUCCESS)
          rc = pam_set_item(pamh, PAM_FAIL_DELAY, reinterpret_cast<const void*>(&no_fail_delay));
        send_result(rc, pamh);
        break;
      }
      case pamproto::Type::kAuthenticate: {
        pamproto::Authenticate a;
        if (!pamproto::decode(buf, a)) return 3;
        rc = a.change_expired ? pam_chauthtok(pamh, PAM_CHANGE_EXPIRED_AUTHTOK)
                              : pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
        send_result(rc, pamh);
        break;
      }
      case pamproto::Type::kAcctMgmt:
        if (!pamproto::decode_bare(buf, type)) return 3;
        send_result(pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK), pamh);
        break;
      case pamproto::Type::kOpenSession:
        if (!pamproto::decode_bare(buf, type)) return 3;
        rc = pam_open_session(pamh, 0);
        send_result(rc, pamh, 0, rc == PAM_SUCCESS ? pam_env(pamh) : std::vector<std::string>{});
        break;
      case pamproto::Type::kSpawnUser: {
        pamproto::SpawnUser u;
        if (!pamproto::decode(buf, u)) return 3;
        proc::SpawnSpec spec;
        spec.path = u.postauth_path;
        spec.argv = {"lpsshd-postauth", "-m", std::to_string(getpid()), "-s",
                     std::to_string(u.max_sessions), "-u", std::to_string(u.uid),
                     "-g", std::to_string(u.gid)};
        if (!u.chroot.empty()) spec.argv.insert(spec.argv.end(), {"-c", u.chroot});
        spec.fds = {fds[0].get(), fds[1].get(), fds[2].get()};
        spec.before_layout = [pamh, &u, user_core_soft] {
          return prepare_user_child(pamh, u, user_core_soft);
        };
        // Success means the user's child runs lpsshd-postauth: pam_setcred
        // or exec failing in it is this request's failure, not a pid that
        // is about to exit.
        spec.confirm_exec = true;
        const pid_t pid = proc::spawn(spec);
        if (pid < 0)
          log::error("PAM helper: could not start the session process for %s: %s",
                     log::escape(u.name).c_str(), std::strerror(errno));
        pamhook::after(type);
        send_result(pid > 0 ? PAM_SUCCESS : PAM_SYSTEM_ERR, pamh, pid > 0 ? pid : 0);
        break;
      }
      case pamproto::Type::kCloseSession:
        if (!pamproto::decode_bare(buf, type)) return 3;
        // The monitor has killed the user's child: reap it (bounded, it
        // may be stuck in the kernel) so that the session closes after it.
        reap_children(1000);
        pam_setcred(pamh, PAM_DELETE_CRED);
        rc = pam_close_session(pamh, 0);
        send_result(rc, pamh);
        pam_end(pamh, rc);
        return 0;
      default:
        return 3;
    }
    sodium_memzero(buf.data(), buf.size());
    fds.clear();
  }
  if (pamh != nullptr) pam_end(pamh, PAM_ABORT);
  return 0;
}
