// churn: an unauthenticated-connection load generator for admission tests,
// playing an attacker with many source addresses. Not a test and not part
// of any daemon: bench/churn.py drives it next to a real `ssh` login loop.
//
//   churn --port P [--mode M] [--sources N] [--first-source A.B.C.D]
//         [--concurrency C] [--count K | --seconds S] [--hold S]
//
// Each connection binds the next of N source addresses in turn (from
// 127.1.0.1 on: all of 127.0.0.0/8 is loopback), connects to 127.0.0.1:P and
// then, by --mode:
//   connect    closes at once (the cheapest flood)
//   silent     sends nothing and waits for the server to close (slowloris)
//   version    sends its version line, then waits
//   kexinit    sends its version and KEXINIT, then waits
//   handshake  sends version, KEXINIT and KEX_ECDH_INIT in one go, reads
//              until the server's KEX_ECDH_REPLY (the server has run the key
//              exchange and signed for it), then closes: the most an
//              unauthenticated client can make the server do per
//              connection without authenticating
// and starts the next one, keeping C connections going, until K were
// started, S seconds passed or SIGTERM/SIGINT came. --hold S: waiting modes close after S
// seconds instead of waiting for the server.
//
// The attacker's side is cheap on purpose: one precomputed ephemeral key for
// every handshake, nothing verified. It prints one JSON object: counts by
// outcome, the attacker's own CPU time (getrusage) and the wall time.
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

enum class Mode { kConnect, kSilent, kVersion, kKexInit, kHandshake };

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Options {
  int port = 0;
  Mode mode = Mode::kHandshake;
  uint32_t sources = 1000;
  uint32_t first_source = 0x7f010001;  // 127.1.0.1
  int concurrency = 8;
  long count = 0;
  double seconds = 0;
  double hold = 0;
};

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

void put_string(std::string& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}

// RFC 4253 6: an unencrypted binary packet around payload.
std::string packet(const std::string& payload) {
  size_t pad = 8 - (payload.size() + 5) % 8;
  if (pad < 4) pad += 8;
  std::string out;
  put_u32(out, static_cast<uint32_t>(payload.size() + pad + 1));
  out += static_cast<char>(pad);
  out += payload;
  out.append(pad, '\0');
  return out;
}

std::string kexinit() {
  std::string p(1, static_cast<char>(20));
  std::string cookie(16, '\0');
  randombytes_buf(cookie.data(), cookie.size());
  p += cookie;
  for (const char* l : {"curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
                        "chacha20-poly1305@openssh.com", "hmac-sha2-256", "hmac-sha2-256", "none", "none",
                        "", ""})
    put_string(p, l);
  p.append(5, '\0');  // first_kex_packet_follows, reserved
  return packet(p);
}

std::string ecdh_init() {
  unsigned char sk[32], pk[32];
  randombytes_buf(sk, sizeof sk);
  crypto_scalarmult_base(pk, sk);
  std::string p(1, static_cast<char>(30));
  put_string(p, std::string(reinterpret_cast<char*>(pk), sizeof pk));
  return packet(p);
}

struct Conn {
  int fd = -1;
  double started = 0;
  bool connected = false;
  bool banner = false;       // the server's version line arrived
  bool reply = false;        // KEX_ECDH_REPLY arrived
  std::string in;            // received, for the handshake parser
  size_t parsed = 0;         // where the next packet starts (after the banner)
};

struct Stats {
  long started = 0, connect_failed = 0, refused = 0, dropped_after_banner = 0, handshakes = 0,
       held_closed_by_us = 0;
  double hold_time_total = 0;  // of connections the server ended after its banner
};

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--port" && (v = next())) o.port = std::atoi(v);
    else if (a == "--sources" && (v = next())) o.sources = static_cast<uint32_t>(std::atol(v));
    else if (a == "--first-source" && (v = next())) {
      in_addr ia{};
      if (inet_pton(AF_INET, v, &ia) != 1) return false;
      o.first_source = ntohl(ia.s_addr);
    } else if (a == "--concurrency" && (v = next())) o.concurrency = std::atoi(v);
    else if (a == "--count" && (v = next())) o.count = std::atol(v);
    else if (a == "--seconds" && (v = next())) o.seconds = std::atof(v);
    else if (a == "--hold" && (v = next())) o.hold = std::atof(v);
    else if (a == "--mode" && (v = next())) {
      const std::string m = v;
      if (m == "connect") o.mode = Mode::kConnect;
      else if (m == "silent") o.mode = Mode::kSilent;
      else if (m == "version") o.mode = Mode::kVersion;
      else if (m == "kexinit") o.mode = Mode::kKexInit;
      else if (m == "handshake") o.mode = Mode::kHandshake;
      else return false;
    } else {
      return false;
    }
  }
  return o.port > 0 && o.sources > 0 && o.concurrency > 0 && (o.count > 0 || o.seconds > 0);
}

// Whether the received bytes hold the server's KEX_ECDH_REPLY.
bool saw_ecdh_reply(Conn& c) {
  if (!c.banner) {
    const size_t nl = c.in.find('\n');
    if (nl == std::string::npos) return false;
    c.banner = true;
    c.parsed = nl + 1;
  }
  while (c.in.size() >= c.parsed + 6) {
    const auto* b = reinterpret_cast<const unsigned char*>(c.in.data() + c.parsed);
    const uint32_t len = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    if (c.in.size() < c.parsed + 4 + len) return false;
    if (b[5] == 31) return true;
    c.parsed += 4 + len;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: churn --port P [--mode connect|silent|version|kexinit|handshake] "
                 "[--sources N] [--first-source A.B.C.D] [--concurrency C] "
                 "(--count K | --seconds S) [--hold S]\n");
    return 2;
  }
  if (sodium_init() < 0) return 1;
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(o.concurrency) + 64) {
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(o.concurrency) + 64);
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::string hello = "SSH-2.0-churn\r\n";
  if (o.mode == Mode::kKexInit || o.mode == Mode::kHandshake) hello += kexinit();
  if (o.mode == Mode::kHandshake) hello += ecdh_init();

  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<size_t>(o.concurrency));
  Stats st;
  uint32_t next_source = 0;
  const double t0 = now_s();
  bool stopping = false;
  double stop_time = 0;

  auto close_conn = [&](size_t i) {
    Conn& c = conns[i];
    if (c.fd >= 0) {
      epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    c = Conn{};
  };
  auto start = [&](size_t i) -> bool {
    if (g_stop || (o.count > 0 && st.started >= o.count) || (o.seconds > 0 && now_s() - t0 >= o.seconds)) {
      stopping = true;
      return false;
    }
    Conn& c = conns[i];
    c = Conn{};
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return false;
    const int one = 1;
    setsockopt(c.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(o.first_source + (next_source++ % o.sources));
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(o.port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ++st.started;
    c.started = now_s();
    if (bind(c.fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
        (connect(c.fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS)) {
      ++st.connect_failed;
      close_conn(i);
      return false;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    return true;
  };
  // A connection is over: count it, start the next in its place.
  auto finish = [&](size_t i) {
    close_conn(i);
    while (!stopping && !start(i)) {
    }
  };

  for (size_t i = 0; i < conns.size(); ++i)
    while (!stopping && !start(i)) {
    }

  std::vector<epoll_event> evs(256);
  char buf[16384];
  while (true) {
    size_t live = 0;
    for (auto& c : conns) live += c.fd >= 0;
    if (live == 0) break;
    const int n = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 100);
    const double now = now_s();
    if ((o.seconds > 0 && now - t0 >= o.seconds) || g_stop) stopping = true;
    for (int k = 0; k < n; ++k) {
      const size_t i = evs[static_cast<size_t>(k)].data.u64;
      Conn& c = conns[i];
      if (c.fd < 0) continue;
      const uint32_t e = evs[static_cast<size_t>(k)].events;
      if (!c.connected && (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          ++st.connect_failed;
          finish(i);
          continue;
        }
        c.connected = true;
        if (o.mode == Mode::kConnect) {
          finish(i);
          continue;
        }
        if (o.mode != Mode::kSilent) {
          // Fits any socket buffer: one write.
          if (write(c.fd, hello.data(), hello.size()) < 0) {
            ++st.refused;
            finish(i);
            continue;
          }
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
      }
      if (!(e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) continue;
      bool ended = false;
      while (true) {
        const ssize_t r = read(c.fd, buf, sizeof buf);
        if (r > 0) {
          if (c.in.size() < 65536) c.in.append(buf, static_cast<size_t>(r));
          continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) ended = true;
        break;
      }
      if (o.mode == Mode::kHandshake && saw_ecdh_reply(c)) {
        ++st.handshakes;
        finish(i);
        continue;
      }
      if (ended) {
        if (!c.in.empty() && c.in.compare(0, 4, "SSH-") == 0) {
          ++st.dropped_after_banner;
          st.hold_time_total += now - c.started;
        } else {
          ++st.refused;
        }
        finish(i);
      }
    }
    if (o.hold > 0) {
      for (size_t i = 0; i < conns.size(); ++i) {
        if (conns[i].fd >= 0 && conns[i].connected && now - conns[i].started >= o.hold) {
          ++st.held_closed_by_us;
          finish(i);
        }
      }
    }
    if (stopping) {
      // No new connections; waiting modes are not waited for, handshakes
      // under way get 5 s to finish.
      if (stop_time == 0) stop_time = now;
      if (o.mode != Mode::kHandshake || now - stop_time > 5)
        for (size_t i = 0; i < conns.size(); ++i)
          if (conns[i].fd >= 0) close_conn(i);
    }
  }
  const double wall = now_s() - t0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf(
      "{\"started\": %ld, \"connect_failed\": %ld, \"refused\": %ld, \"dropped_after_banner\": %ld, "
      "\"handshakes\": %ld, \"held_closed_by_us\": %ld, \"mean_hold_s\": %.3f, \"attacker_cpu_s\": %.3f, "
      "\"wall_s\": %.3f}\n",
      st.started, st.connect_failed, st.refused, st.dropped_after_banner, st.handshakes, st.held_closed_by_us,
      st.dropped_after_banner ? st.hold_time_total / static_cast<double>(st.dropped_after_banner) : 0.0, cpu,
      wall);
  return 0;
}
