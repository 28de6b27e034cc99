// lpsshd-postauth: the logged-in user's side of the connection. It is
// exec'd as root with the user's groups and becomes the user itself before
// it reads anything (postauth/privilege_drop.h). Assume it is as hostile as
// its user: it holds only the transport keys of this connection and asks
// the monitor for rekeys.
//
// Descriptors: 0 the client socket, 1 the monitor channel, 2 /dev/null.
// Arguments: -m PARENT_PID -u UID -g GID [-s MAX_SESSIONS] [-c CHROOT]; the
// parent is the monitor, or the PAM helper that forked this process.
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "monitor/protocol_client.h"
#include "postauth/backlog.h"
#include "postauth/agent_forwarding.h"
#include "postauth/channel_kinds.h"
#include "postauth/channels.h"
#include "postauth/forwarding.h"
#include "postauth/listeners.h"
#include "postauth/privilege_drop.h"
#include "postauth/sftp_jail.h"
#include "postauth/user_log.h"
#include "postauth/transport.h"
#include "sanitizer/report_path.h"
#include "transport/ssh_msg.h"

using namespace lpsshd;
using postauth::Transport;

namespace {
constexpr int kClientFd = 0, kMonitorFd = 1;

uint64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

// Why the session ended, for the log (sshd logs its disconnects too).
int ended(postauth::UserLog& log, int code, const std::string& why) {
  if (!why.empty()) log.info("session ended: " + why);
  return code;
}

int run(Transport& t, postauth::ChannelCore& svc, postauth::Listeners& listeners, int sigfd,
        postauth::UserLog& log) {
  std::vector<uint8_t> msg;
  std::vector<pollfd> fds;
  while (true) {
    // The clock first (an exchange the client starts is timed from now),
    // and again once the messages moved the counters (RekeyLimit).
    const uint64_t now = monotonic_ms();
    if (!t.tick(now)) return ended(log, 1, t.error());
    // Decode what is buffered before waiting again, as long as the client
    // takes what we send: every message may cause a reply, so past the
    // backlog bound the rest waits (postauth/backlog.h).
    while (!postauth::client_input_paused(t)) {
      auto n = t.next(msg);
      if (n == Transport::Next::kNone) break;
      if (n == Transport::Next::kClosed) return 0;
      if (n == Transport::Next::kError) return ended(log, 1, t.error());
      if (!svc.handle(msg)) {
        t.disconnect(ssh::kProtocolError, svc.error());
        return ended(log, 1, "protocol error: " + svc.error());
      }
    }
    svc.service();
    if (!t.tick(now)) return ended(log, 1, t.error());
    auto fr = t.stream().flush();
    if (fr == transport::IoResult::kError) return ended(log, 1, "write error");

    fds.clear();
    const bool reading = !t.stream().input_full() && !postauth::client_input_paused(t);
    short sock_events = 0;
    if (reading) sock_events |= POLLIN;
    // Only bytes the socket can take now: replies deferred by a key
    // exchange would make POLLOUT fire at once, forever.
    if (t.output_size() > 0) sock_events |= POLLOUT;
    fds.push_back({kClientFd, sock_events, 0});
    fds.push_back({sigfd, POLLIN, 0});
    svc.fill_pollfds(fds);
    listeners.fill_pollfds(fds);
    if (poll(fds.data(), fds.size(), t.timeout_ms(now)) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo != SIGCHLD) return 0;  // SIGTERM/SIGHUP: end the session
      }
      int status;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) svc.on_exit(pid, status);
    }
    svc.on_poll(fds);
    listeners.on_poll(fds);
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      // Not reading, a hang-up or error still ends the session: nothing we
      // hold can reach the client any more.
      if (!reading) return 0;
      auto r = t.stream().fill();
      if (r == transport::IoResult::kError) return ended(log, 0, "read error");
      if (r == transport::IoResult::kEof) return 0;
    }
  }
}
}  // namespace

int main(int argc, char** argv) {
  long parent = -1, max_sessions = 10, uid = -1, gid = -1;
  std::string chroot_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-c") {
      chroot_dir = argv[i + 1];
      continue;
    }
    long* target = flag == "-m" ? &parent : flag == "-s" ? &max_sessions
                 : flag == "-u" ? &uid : flag == "-g" ? &gid : nullptr;
    if (target == nullptr) return 2;
    *target = std::strtol(argv[i + 1], nullptr, 10);
  }
  if (parent <= 0 || uid < 0 || gid < 0 || uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1) return 2;
  rlimit user_core{0, 0};
  if (!postauth::drop_to_user({static_cast<uid_t>(uid), static_cast<gid_t>(gid),
                               static_cast<pid_t>(parent), chroot_dir},
                              user_core))
    return 3;
  // Only now, as the user (sanitizer/report_path.h; a no-op but in tests).
  sanitizer::report_to_user_dir();
  if (sodium_init() < 0) return 3;

  monproto::TransportState state;
  monproto::SessionSettings settings;
  if (!monproto::call(kMonitorFd, monproto::PostauthReady{}, state) ||
      !monproto::receive(kMonitorFd, settings))
    return 4;

  // Who this session is comes from the monitor's record of the login (by
  // name: two passwd lines may share a uid), and must be who we are.
  if (settings.user.uid != getuid() || settings.user.gid != getgid()) return 5;
  postauth::UserLog log(kMonitorFd);
  // SftpRoot: confined before the first client byte is read, or not at all.
  if (!settings.grant.sftp_root.empty()) {
    std::string why;
    if (!postauth::enter_sftp_jail(settings.grant.sftp_root, settings.grant.sftp_jail, why)) {
      log.info("session not started: " + why);
      return 7;
    }
  }
  postauth::UserAccount account{settings.user.name, settings.user.home,
                                settings.user.shell.empty() ? "/bin/sh" : settings.user.shell,
                                settings.user.uid, settings.user.gid, user_core};

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  const int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);

  postauth::TransportLimits limits;
  limits.rekey = {settings.rekey_bytes, settings.rekey_interval};
  limits.kex_deadline_s = settings.kex_deadline;
  const uint64_t started = monotonic_ms();
  postauth::Transport t(kClientFd, kMonitorFd, state.strict_kex, limits, started);
  if (!t.stream().decoder().set_keys(state.ctos) || !t.stream().encoder().set_keys(state.stoc))
    return 4;
  t.stream().decoder().set_seq(state.recv_seq);
  t.stream().encoder().set_seq(state.send_seq);
  // Ciphers with a counter of their own (AES-GCM, AES-CTR) go on exactly
  // where the preauth child left them (the monitor checked the positions).
  t.stream().decoder().set_cipher_position(state.recv_position);
  t.stream().encoder().set_cipher_position(state.send_position);
  // Delayed compression (zlib@openssh.com) starts with the first packet
  // each way after USERAUTH_SUCCESS: the preauth child sent that one and
  // read nothing after it, so both streams start here, fresh.
  t.stream().decoder().set_compression(state.zlib_ctos);
  t.stream().encoder().set_compression(state.zlib_stoc);
  state.ctos = {};
  state.stoc = {};

  // RekeyAfterAuth: the first thing this process sends is a KEXINIT.
  if (settings.rekey_after_auth && !t.start_rekey(started)) return 6;

  postauth::SessionContext ctx{kMonitorFd, std::move(account), postauth::endpoints_of(kClientFd),
                               std::move(settings), &log};
  postauth::ChannelCore core(t);
  postauth::register_channel_kinds(core, ctx, max_sessions > 0 ? static_cast<size_t>(max_sessions) : 0);
  // Declared after the core so they go first: their listeners close, and
  // the sockets and the agent directory they made are removed, on every
  // way out of run().
  postauth::Listeners listeners;
  postauth::Forwarding forwarding(core, listeners, ctx);
  forwarding.register_with_core();
  postauth::AgentForwarding agent(core, listeners);
  ctx.agent = &agent;
  return run(t, core, listeners, sigfd, log);
}
