// hostile_postauth: a compromised lpsshd-postauth, for tests/integration/hostile_test.sh.
//
// The harness installs this binary as lpsshd-postauth next to the real
// lpsshd, lpsshd-monitor, lpsshd-preauth and lpsshd-pam and logs in with the
// real ssh client and a key: the real preauth child authenticates and hands
// over, and the real monitor starts this program as the user (descriptors 0
// the client socket, 1 the monitor channel, 2 /dev/null; argv -m PID -s N).
// The client's bytes are encrypted, so the scenario comes from a file in the
// user's home directory (this process runs as the user, unsandboxed):
//
//   ~/.lpsshd-hostile-scenario   one line: <name> [args...]
//   ~/.lpsshd-hostile-result     what it saw, one line each (appended):
//       PID <pid> PPID <parent pid> PORT <client port>
//                                the parent is the monitor, or with UsePAM
//                                yes the PAM helper
//       PARENT <name> <pid> <name>   the parent's name, its parent and
//                                that one's name (/proc/PID/stat), read at
//                                once: they may be gone when the test looks
//       REPLY <type> <fields>    a message from the monitor
//       SENT <what>              about to send <what>
//       HOLDING <ttys>           (pty-flood) waiting for ~/.lpsshd-hostile-go
//       LET-GO <tty>             (pty-let-go) closed both descriptors of its
//                                PTY; waiting for ~/.lpsshd-hostile-go
//       FLOODING <n>             (pty-flood-unread) about to send n requests
//                                without reading a reply
//       CLOSED / ERROR <why>
// It first plays the real start (POSTAUTH_READY, then TRANSPORT_STATE and
// SESSION_SETTINGS), then the scenario, then waits forever: if its pid
// disappears, the monitor killed it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "monitor/protocol.h"
#include "postauth/privilege_drop.h"
#include "proc/fd_passing.h"

using namespace lpsshd;

namespace {

constexpr int kClientFd = 0, kMonitorFd = 1;
int g_result = -1;
std::string g_home;

void say(const std::string& line) {
  const std::string l = line + "\n";
  if (write(g_result, l.data(), l.size()) < 0) return;
}

[[noreturn]] void hang() {
  for (;;) pause();
}

[[noreturn]] void give_up(const std::string& why) {
  say("ERROR " + why);
  hang();
}

struct Received {
  std::vector<uint8_t> msg;
  std::vector<proc::UniqueFd> fds;
};

std::string describe(const Received& r) {
  if (r.msg.empty()) return "EMPTY";
  std::string s = std::string(monproto::type_name(r.msg[0])) + " fds=" + std::to_string(r.fds.size());
  if (r.msg[0] == static_cast<uint8_t>(monproto::Type::kPtyReply)) {
    monproto::PtyReply p;
    if (!monproto::decode(r.msg, p)) return s + " undecodable";
    return s + " ok=" + std::to_string(p.ok) + " tty=" + (p.tty.empty() ? "-" : p.tty);
  }
  if (r.msg[0] == static_cast<uint8_t>(monproto::Type::kTransportState)) {
    monproto::TransportState t;
    if (!monproto::decode(r.msg, t)) return s + " undecodable";
    return s + " keys=" + std::to_string(t.ctos.key.size()) + "+" + std::to_string(t.stoc.key.size()) +
           " send_seq=" + std::to_string(t.send_seq) + " recv_seq=" + std::to_string(t.recv_seq);
  }
  return s + " bytes=" + std::to_string(r.msg.size());
}

Received receive(bool report = true) {
  Received r;
  std::string why;
  const auto st = proc::recv_datagram(kMonitorFd, monproto::kMaxMessage, r.msg, r.fds, why);
  if (st != proc::RecvStatus::kOk) {
    say(st == proc::RecvStatus::kViolation ? "CLOSED bad datagram: " + why : "CLOSED");
    hang();
  }
  if (report) say("REPLY " + describe(r));
  return r;
}

void send_bytes(const std::string& what, std::span<const uint8_t> bytes) {
  say("SENT " + what);
  if (!proc::send_datagram(kMonitorFd, bytes)) give_up("send: " + std::string(strerror(errno)));
}

[[noreturn]] void await_end() {
  for (;;) receive();
}

uint16_t client_port() {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(kClientFd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// MaxSessions PTYs, then refusals, then one request beyond the table's
// per-phase bound. The granted PTYs are kept open; the harness inspects the
// monitor while this child waits at HOLDING.
void pty_flood(int count) {
  std::vector<proc::UniqueFd> held;
  std::string ttys;
  int ok = 0, refused = 0, bad = 0;
  for (int i = 1; i <= count; ++i) {
    const auto req = monproto::encode(monproto::PtyRequest{});
    if (i <= 4 || i >= count - 1) {
      send_bytes("PTY_REQUEST #" + std::to_string(i), req);
    } else if (!proc::send_datagram(kMonitorFd, req)) {
      give_up("send: " + std::string(strerror(errno)));
    }
    auto r = receive(i <= 4 || i >= count - 1);
    monproto::PtyReply p;
    if (!monproto::decode(r.msg, p)) {
      ++bad;
      continue;
    }
    if (p.ok && r.fds.size() == monproto::PtyReply::kFds) {
      ++ok;
      ttys += " " + p.tty;
      for (auto& fd : r.fds) held.push_back(std::move(fd));
    } else if (!p.ok && r.fds.empty()) {
      if (++refused == 1) {
        say("HOLDING" + ttys);
        const std::string go = g_home + "/.lpsshd-hostile-go";
        for (int w = 0; w < 600 && !exists(go); ++w) usleep(50000);
      }
    } else {
      ++bad;
    }
    if (i == count - 1)
      say("TALLY ok=" + std::to_string(ok) + " refused=" + std::to_string(refused) +
          " bad=" + std::to_string(bad));
  }
}

void await_go() {
  const std::string go = g_home + "/.lpsshd-hostile-go";
  for (int w = 0; w < 1200 && !exists(go); ++w) usleep(50000);
}

// A PTY, both of its descriptors closed at once (so its /dev/pts index is
// free for the next terminal anyone opens, unless the monitor kept one),
// then, once the harness has had another user log in, PTY_RELEASE for it.
void pty_let_go() {
  send_bytes("PTY_REQUEST", monproto::encode(monproto::PtyRequest{}));
  auto r = receive();
  monproto::PtyReply p;
  if (!monproto::decode(r.msg, p) || !p.ok || r.fds.size() != monproto::PtyReply::kFds)
    give_up("no PTY granted");
  r.fds.clear();
  say("LET-GO " + p.tty);
  await_go();
  send_bytes("PTY_RELEASE " + p.tty, monproto::encode(monproto::PtyRelease{p.tty}));
}

// Requests without ever reading a reply: the replies fill the socket
// buffer, and a monitor that blocked on a send would stall for good.
void pty_flood_unread(int count) {
  say("FLOODING " + std::to_string(count));
  const auto req = monproto::encode(monproto::PtyRequest{});
  for (int i = 1; i <= count; ++i)
    if (!proc::send_datagram(kMonitorFd, req)) give_up("send: " + std::string(strerror(errno)));
  say("SENT all " + std::to_string(count));
  hang();
}

// A process's name and its parent's pid, from /proc/PID/stat
// ("pid (comm) state ppid ...", comm may hold spaces and parentheses).
std::pair<std::string, std::string> name_and_parent(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return {"?", "0"};
  std::istringstream rest(stat.substr(close + 1));
  std::string state, ppid;
  rest >> state >> ppid;
  return {stat.substr(open + 1, close - open - 1), ppid};
}

}  // namespace

int main(int argc, char** argv) {
  // The real start sequence first (exec'd as root, drop to the user): the
  // attacker owns this process from the moment it reads input, which is
  // after the drop.
  long parent = -1, uid = -1, gid = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-m") parent = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "-u") uid = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "-g") gid = std::strtol(argv[i + 1], nullptr, 10);
  }
  rlimit core;
  if (uid < 0 || gid < 0 ||
      !postauth::drop_to_user({static_cast<uid_t>(uid), static_cast<gid_t>(gid),
                               static_cast<pid_t>(parent), ""},
                              core))
    return 3;
  // An owned child's first move: the parent-death signal the drop set is
  // gone, so only the monitor killing this process (or its helper doing it
  // for the monitor) can end it; the test sees whether it does.
  if (prctl(PR_SET_PDEATHSIG, 0) != 0) return 3;
  signal(SIGPIPE, SIG_IGN);
  if (sodium_init() < 0) return 3;
  const passwd* pw = getpwuid(getuid());
  if (pw == nullptr) return 3;
  g_home = pw->pw_dir;
  const std::string user = pw->pw_name;
  g_result = open((g_home + "/.lpsshd-hostile-result").c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (g_result < 0) return 3;
  std::string line;
  {
    std::ifstream f(g_home + "/.lpsshd-hostile-scenario");
    std::getline(f, line);
  }
  std::istringstream words(line);
  std::string name;
  words >> name;
  std::vector<std::string> args;
  for (std::string w; words >> w;) args.push_back(w);

  char first[96];
  std::snprintf(first, sizeof first, "PID %d PPID %d PORT %u", getpid(), getppid(), client_port());
  say(first);
  {
    const auto [parent_name, grandparent] = name_and_parent(getppid());
    say("PARENT " + parent_name + " " + grandparent + " " +
        name_and_parent(std::atoi(grandparent.c_str())).first);
  }
  // The real start: hardened and ready, then the transport and settings.
  send_bytes("POSTAUTH_READY", monproto::encode(monproto::PostauthReady{}));
  receive();
  receive();

  if (name == "idle") {
    // Only the real start: the test looks at the process as the monitor
    // (or the PAM helper) set it up, then kills it.
  } else if (name == "pty-release-foreign") {
    const std::string tty = args.empty() ? "/dev/pts/0" : args[0];
    send_bytes("PTY_RELEASE " + tty, monproto::encode(monproto::PtyRelease{tty}));
  } else if (name == "pty-before-rekey") {
    // RekeyAfterAuth: a PTY before the exchange that must come first.
    send_bytes("PTY_REQUEST", monproto::encode(monproto::PtyRequest{}));
    receive();
  } else if (name == "auth-pubkey") {
    auto k = crypto::Ed25519Key::generate();
    monproto::AuthPubkeyRequest q{user, std::string(crypto::kEd25519Name), k.public_blob(), false, {}};
    send_bytes("AUTH_PUBKEY", monproto::encode(q));
  } else if (name == "ecdh") {
    std::vector<uint8_t> qc(32);
    randombytes_buf(qc.data(), qc.size());
    send_bytes("KEX_ECDH", monproto::encode(monproto::KexEcdhRequest{qc}));
  } else if (name == "ready-twice") {
    send_bytes("POSTAUTH_READY again", monproto::encode(monproto::PostauthReady{}));
  } else if (name == "pty-flood") {
    pty_flood(args.empty() ? 1025 : std::atoi(args[0].c_str()));
  } else if (name == "pty-let-go") {
    pty_let_go();
  } else if (name == "pty-flood-unread") {
    pty_flood_unread(args.empty() ? 1024 : std::atoi(args[0].c_str()));
  } else {
    give_up("unknown scenario " + name);
  }
  await_end();
}
