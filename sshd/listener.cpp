#include "sshd/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <optional>

#include "log/log.h"
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

int serve(const config::Config& cfg, std::vector<proc::UniqueFd>& listeners, int config_fd,
          bool log_stderr, int netns_fd, int mntns_fd) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  proc::UniqueFd sigfd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  const std::string monitor = proc::helper_path("lpsshd-monitor");

  std::vector<pollfd> fds;
  fds.push_back({sigfd.get(), POLLIN, 0});
  for (auto& l : listeners) fds.push_back({l.get(), POLLIN, 0});
  while (true) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      log::error("poll: %s", std::strerror(errno));
      return 0;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(sigfd.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          while (waitpid(-1, nullptr, WNOHANG) > 0) {
          }
        } else if (si.ssi_signo == SIGHUP) {
          log::info("Received SIGHUP; restarting.");
          return 1;
        } else {
          log::info("Received signal %u; terminating.", si.ssi_signo);
          return 0;
        }
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      proc::UniqueFd c(accept4(fds[i].fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!c) continue;
      const int one = 1;
      // The handshake is many small writes: no Nagle delay on our side.
      setsockopt(c.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (cfg.tcp_keep_alive) setsockopt(c.get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      proc::SpawnSpec spec;
      spec.path = monitor;
      spec.argv = {"lpsshd-monitor"};
      if (log_stderr) spec.argv.push_back("-e");
      spec.fds = {c.get(), devnull.get(), log_stderr ? STDERR_FILENO : devnull.get(), config_fd};
      if (netns_fd >= 0 && mntns_fd >= 0) {
        spec.argv.push_back("-N");
        spec.fds.push_back(netns_fd);
        spec.fds.push_back(mntns_fd);
      }
      // Its own session: restarting or stopping the listener leaves running
      // connections alone.
      spec.new_session = true;
      if (proc::spawn(spec) < 0) log::error("fork: %s", std::strerror(errno));
    }
  }
}

}  // namespace lpsshd::sshd
