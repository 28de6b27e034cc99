#include "sshd/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

#include "log/log.h"
#include "monitor/listener_protocol.h"
#include "log/rate_limit.h"
#include "sshd/admission.h"
#include "sshd/monitor_end.h"
#include "sshd/resources.h"
#include "proc/socket_address.h"
#include "proc/spawn.h"

namespace lpsshd::sshd {

namespace {
struct Endpoint {
  std::string host;
  uint16_t port;
};

// "host", "host:port", "[v6]:port" or a bare IPv6 address.
std::vector<Endpoint> endpoints(const config::Config& cfg) {
  std::vector<Endpoint> out;
  if (cfg.listen_addresses.empty()) {
    for (auto p : cfg.ports) {
      out.push_back({"0.0.0.0", p});
      out.push_back({"::", p});
    }
    return out;
  }
  for (const auto& a : cfg.listen_addresses) {
    std::string host = a;
    std::optional<uint16_t> port;
    if (a.starts_with('[')) {
      const size_t close = a.find(']');
      host = a.substr(1, close - 1);
      if (close + 1 < a.size() && a[close + 1] == ':')
        port = static_cast<uint16_t>(std::stoi(a.substr(close + 2)));
    } else if (std::count(a.begin(), a.end(), ':') == 1) {
      host = a.substr(0, a.find(':'));
      port = static_cast<uint16_t>(std::stoi(a.substr(a.find(':') + 1)));
    }
    if (port) {
      out.push_back({host, *port});
    } else {
      for (auto p : cfg.ports) out.push_back({host, p});
    }
  }
  return out;
}
}  // namespace

size_t listen_socket_count(const config::Config& cfg) { return endpoints(cfg).size(); }

std::string bind_listeners(const config::Config& cfg, std::vector<proc::UniqueFd>& out) {
  for (const auto& ep : endpoints(cfg)) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string port = std::to_string(ep.port);
    if (int rc = getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &res); rc != 0)
      return "bad ListenAddress " + ep.host + ": " + gai_strerror(rc);
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      proc::UniqueFd s(socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
      if (!s) {
        if (errno == EAFNOSUPPORT && ep.host == "::") continue;  // no IPv6 here
        freeaddrinfo(res);
        return "socket: " + std::string(std::strerror(errno));
      }
      const int one = 1;
      setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      // Keep the IPv6 socket to IPv6, so 0.0.0.0 can be bound separately.
      if (ai->ai_family == AF_INET6) setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      if (bind(s.get(), ai->ai_addr, ai->ai_addrlen) != 0 || listen(s.get(), 128) != 0) {
        const std::string err = std::strerror(errno);
        if (ep.host == "::" && errno == EADDRNOTAVAIL) continue;  // IPv6 disabled
        freeaddrinfo(res);
        return "Bind to port " + port + " on " + ep.host + " failed: " + err + ".";
      }
      log::info("Server listening on %s port %s.", ep.host.c_str(), port.c_str());
      out.push_back(std::move(s));
    }
    freeaddrinfo(res);
  }
  if (out.empty()) return "Cannot bind any address.";
  return "";
}

namespace {
constexpr int kAcceptsPerWake = 32;

int64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// A connection's identity in the log, as sshd writes it.
struct ConnectionId {
  unsigned long long number = 0;
  SourceAddress peer;
  SourceAddress local;
};

// One connection's monitor as the listener tracks it.
struct MonitorEntry {
  uint32_t preauth_uid = 0;
  proc::UniqueFd status;  // read end of the monitor's status pipe
  ConnectionId id;
};

// Log lines a client causes at will before it is admitted (refusals, and
// failures to start its monitor) go through a log::RateLimit each: the first
// of an episode in full, the rest at VERBOSE, and a summary at most every
// kLogIntervalMs ("MaxStartups logging rate-limited: additional 4711
// connections dropped", sshd's wording).
constexpr int64_t kLogIntervalMs = 30000;

struct Throttled {
  const char* what;  // "MaxStartups logging rate-limited: additional N ..."
  const char* unit;  // "... connections dropped"
  bool error;        // the first line of an episode is an error, not info
  log::RateLimit limit{kLogIntervalMs};
};

__attribute__((format(printf, 3, 4))) void throttled(Throttled& t, int64_t now, const char* fmt, ...) {
  const bool loud = t.limit.event(now);
  if (!loud && !log::enabled(log::Level::kVerbose)) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (!loud) log::verbose("%s", line);
  else if (t.error) log::error("%s", line);
  else log::info("%s", line);
}

void summarise(Throttled& t, uint64_t n) {
  if (n > 0)
    log::info("%s logging rate-limited: additional %llu %s", t.what, static_cast<unsigned long long>(n),
              t.unit);
}

// "drop connection #N from [ADDR]:PORT on [LADDR]:LPORT REASON"
__attribute__((format(printf, 4, 5))) void drop(Throttled& t, int64_t now, const ConnectionId& c,
                                                const char* fmt, ...) {
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  throttled(t, now, "drop connection #%llu from [%s]:%u on [%s]:%u %s", c.number, c.peer.text.c_str(),
            static_cast<unsigned>(c.peer.port), c.local.text.c_str(), static_cast<unsigned>(c.local.port), why);
}
}  // namespace

int serve(const config::Config& cfg, std::vector<proc::UniqueFd>& listeners, int config_fd,
          bool log_stderr, int netns_fd, int mntns_fd) {
  namespace lp = listener_protocol;
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  proc::UniqueFd sigfd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  const std::string monitor = proc::helper_path("lpsshd-monitor");
  const bool namespaces = netns_fd >= 0 && mntns_fd >= 0;

  Admission admission(cfg);
  UidPool uids(cfg.preauth_uid_first, cfg.preauth_uid_last);
  std::map<pid_t, MonitorEntry> monitors;
  uint64_t connection_number = 0;
  AcceptBackoff backoff;
  Throttled max_startups{"MaxStartups", "connections dropped", false};
  Throttled penalties{"PerSourcePenalties", "connections dropped", false};
  Throttled start_failures{"lpsshd-monitor start-up", "connections dropped", true};
  Throttled accept_errors{"accept", "errors", true};
  Throttled* const all_throttled[] = {&max_startups, &penalties, &start_failures, &accept_errors};
  // Summaries of what is still counted, when the listener stops or restarts.
  auto flush_summaries = [&] {
    for (Throttled* t : all_throttled) summarise(*t, t->limit.take_pending());
  };

  std::vector<pollfd> fds;
  std::vector<pid_t> status_owner;  // monitor of each status pipe in fds
  while (true) {
    int64_t now = now_ms();
    int64_t wake = log::RateLimit::kNever;
    for (Throttled* t : all_throttled) {
      summarise(*t, t->limit.take_summary(now));
      wake = std::min(wake, t->limit.summary_due());
    }
    const bool accepting = backoff.accepting(now);
    if (!accepting) wake = std::min(wake, backoff.resume_ms());
    fds.clear();
    status_owner.clear();
    fds.push_back({sigfd.get(), POLLIN, 0});
    if (accepting)
      for (auto& l : listeners) fds.push_back({l.get(), POLLIN, 0});
    const size_t first_status = fds.size();
    for (auto& [pid, m] : monitors) {
      if (!m.status) continue;
      fds.push_back({m.status.get(), POLLIN, 0});
      status_owner.push_back(pid);
    }
    const int timeout = wake == log::RateLimit::kNever
                            ? -1
                            : static_cast<int>(std::clamp<int64_t>(wake - now + 1, 0, 60000));
    if (poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      log::error("poll: %s", std::strerror(errno));
      flush_summaries();
      return 0;
    }
    now = now_ms();
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(sigfd.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          int status;
          pid_t pid;
          while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            auto it = monitors.find(pid);
            if (it == monitors.end()) continue;
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : lp::kExitCrash;
            // proc::spawn's child exits 127 when it cannot set up or exec
            // the monitor: the connection was dropped without a word.
            if (WIFEXITED(status) && code == 127)
              drop(start_failures, now, it->second.id, "lpsshd-monitor did not start (exit status 127)");
            const ConnectionId& c = it->second.id;
            const std::string who = "monitor for [" + c.peer.text + "]:" + std::to_string(c.peer.port) +
                                    " (connection #" + std::to_string(c.number) + ")";
            if (const auto end = describe_monitor_end(who, status)) log::error("%s", end->c_str());
            admission.ended(pid, code, now / 1000);
            uids.give_back(it->second.preauth_uid);
            monitors.erase(it);
          }
        } else if (si.ssi_signo == SIGHUP) {
          log::info("Received SIGHUP; restarting.");
          flush_summaries();
          return 1;
        } else {
          log::info("Received signal %u; terminating.", si.ssi_signo);
          flush_summaries();
          return 0;
        }
      }
    }
    for (size_t i = 0; i < status_owner.size(); ++i) {
      if (fds[first_status + i].revents == 0) continue;
      auto it = monitors.find(status_owner[i]);
      if (it == monitors.end()) continue;
      char b = 0;
      if (read(it->second.status.get(), &b, 1) == 1 && b == lp::kAuthenticated)
        admission.authenticated(it->first, now / 1000);
      it->second.status.reset();  // one byte is all a monitor ever says
    }
    for (size_t i = 1; i < first_status; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      // A few per wake-up: under a flood this saves a poll per connection,
      // and the other listen sockets and the monitors still get their turn.
      for (int round = 0; round < kAcceptsPerWake && backoff.accepting(now); ++round) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        proc::UniqueFd c(accept4(fds[i].fd, reinterpret_cast<sockaddr*>(&ss), &len,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!c) {
          const int err = errno;
          if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) break;
          if (backoff.failed(err, now)) {
            throttled(accept_errors, now, "accept: %s; not accepting for %lld ms", std::strerror(err),
                      static_cast<long long>(AcceptBackoff::kPauseMs));
            break;
          }
          continue;  // this connection only (e.g. reset before it was accepted)
        }
        ++connection_number;
        ConnectionId id{connection_number, proc::describe_address(ss), proc::local_address(c.get())};
        const SourceAddress& src = id.peer;
        // Admission before any fork: a flood costs an accept and a close.
        const uint32_t r = randombytes_random();
        const auto verdict = admission.check(src, now / 1000, static_cast<int>(randombytes_uniform(100)));
        if (verdict == Admission::Verdict::kPenalty) {
          drop(penalties, now, id, "%s", admission.penalty_reason(src));
          continue;
        }
        if (verdict != Admission::Verdict::kAdmit) {
          drop(max_startups, now, id, "%s", Admission::describe(verdict));
          continue;
        }
        const uint32_t preauth_uid = uids.enabled() ? uids.take(r) : 0;
        if (uids.enabled() && preauth_uid == 0) {
          drop(start_failures, now, id, "PreauthUidRange exhausted");
          continue;
        }
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) != 0) {
          const int err = errno;
          drop(start_failures, now, id, "pipe: %s", std::strerror(err));
          uids.give_back(preauth_uid);
          backoff.failed(err, now);
          continue;
        }
        proc::UniqueFd status_r(pipefd[0]), status_w(pipefd[1]);
        const int one = 1;
        // The handshake is many small writes: no Nagle delay on our side.
        setsockopt(c.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (cfg.tcp_keep_alive) setsockopt(c.get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        proc::SpawnSpec spec;
        spec.path = monitor;
        spec.argv = {"lpsshd-monitor"};
        if (log_stderr) spec.argv.push_back("-e");
        if (namespaces) spec.argv.push_back("-N");
        if (preauth_uid != 0) {
          spec.argv.push_back("-U");
          spec.argv.push_back(std::to_string(preauth_uid));
        }
        spec.fds = {c.get(), devnull.get(), log_stderr ? STDERR_FILENO : devnull.get(), config_fd,
                    namespaces ? netns_fd : devnull.get(), namespaces ? mntns_fd : devnull.get(),
                    status_w.get()};
        // Its own session: restarting or stopping the listener leaves running
        // connections alone.
        spec.new_session = true;
        const pid_t pid = proc::spawn(spec);
        if (pid < 0) {
          drop(start_failures, now, id, "fork: %s", std::strerror(errno));
          uids.give_back(preauth_uid);
          backoff.pause(now);
          continue;
        }
        admission.started(pid, src, now / 1000);
        monitors[pid] = MonitorEntry{preauth_uid, std::move(status_r), std::move(id)};
      }
    }
  }
}

}  // namespace lpsshd::sshd
