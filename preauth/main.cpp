// lpsshd-preauth: parses every byte a client sends before it has logged in.
// Assume an attacker owns this process from the first packet: it runs as an
// unprivileged user in an empty chroot, holds no key but its transport keys,
// and can only ask the monitor questions.
//
// Descriptors: 0 the client socket, 1 the monitor channel, 2 /dev/null;
// with -N also 3 and 4, the empty network and mount namespaces to join
// (closed during the sandbox set-up).
// Arguments (from the monitor): -u UID -g GID -r CHROOT -m MONITOR_PID [-N].
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "monitor/protocol_client.h"
#include "preauth/connection.h"
#include "preauth/key_exchange.h"
#include "preauth/sandbox.h"
#include "preauth/userauth.h"

using namespace lpsshd;

namespace {
constexpr int kClientFd = 0, kMonitorFd = 1;

bool parse_id(const char* s, long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s, &end, 10);
  return errno == 0 && end != s && *end == '\0' && out > 0;
}
}  // namespace

int main(int argc, char** argv) {
  preauth::SandboxSpec spec{};
  long uid = -1, gid = -1, mpid = -1;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-N") {  // the listener's empty namespaces are fds 3 and 4
      spec.netns_fd = 3;
      spec.mntns_fd = 4;
      --i;
      continue;
    }
    if (i + 1 >= argc) return 2;
    if (flag == "-u" && parse_id(argv[i + 1], uid)) continue;
    if (flag == "-g" && parse_id(argv[i + 1], gid)) continue;
    if (flag == "-m" && parse_id(argv[i + 1], mpid)) continue;
    if (flag == "-r") {
      spec.chroot_dir = argv[i + 1];
      continue;
    }
    return 2;
  }
  if (uid <= 0 || gid <= 0 || mpid <= 0 || spec.chroot_dir.empty()) return 2;
  spec.uid = static_cast<uid_t>(uid);
  spec.gid = static_cast<gid_t>(gid);
  spec.monitor_pid = static_cast<pid_t>(mpid);
  spec.highest_fd = 2;
  if (!preauth::enter_sandbox(spec).empty()) return 3;

  // Nothing has been read from the network yet; from here on, everything is.
  monproto::Hello hello;
  if (!monproto::receive(kMonitorFd, hello)) return 4;
  preauth::Connection conn(kClientFd);
  if (!conn.write_raw(hello.server_version + "\r\n")) return 5;
  const std::string client_version = conn.read_version();
  if (client_version.empty()) {
    conn.write_raw("Invalid SSH identification string.\r\n");
    return 5;
  }
  auto kex = preauth::run_first_kex(conn, kMonitorFd, client_version);
  if (!kex.error.empty()) return 6;
  if (!preauth::run_userauth(conn, kMonitorFd, kex.client_ext_info)) return 7;
  return preauth::hand_over(conn, kMonitorFd) ? 0 : 8;
}
