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

#include <string>

#include "monitor/protocol_client.h"
#include "preauth/connection.h"
#include "preauth/key_exchange.h"
#include "preauth/sandbox.h"
#include "preauth/userauth.h"

using namespace lpsshd;

namespace {
constexpr int kClientFd = 0, kMonitorFd = 1;

}  // namespace

int main(int argc, char** argv) {
  preauth::SandboxSpec spec;
  if (!preauth::parse_sandbox_args(argc, argv, spec)) return 2;
  if (!preauth::enter_sandbox(spec).empty()) return 3;

  // Nothing has been read from the network yet; from here on, everything is.
  monproto::Hello hello;
  if (!monproto::receive(kMonitorFd, hello)) return 4;
  preauth::Connection conn(kClientFd);
  // RFC 4253 7.1: the server's KEXINIT goes out with its version line, in
  // one write, without waiting for the client's.
  conn.stream().send_raw(hello.server_version + "\r\n");
  conn.stream().send(hello.server_kexinit);
  if (!conn.flush()) return 5;
  const std::string client_version = conn.read_version();
  if (client_version.empty()) {
    conn.write_raw("Invalid SSH identification string.\r\n");
    return 5;
  }
  auto kex = preauth::run_first_kex(conn, kMonitorFd, client_version);
  if (!kex.error.empty()) return 6;
  if (!preauth::run_userauth(conn, kMonitorFd, kex.client_ext_info, hello.server_sig_algs)) return 7;
  return preauth::hand_over(conn, kMonitorFd) ? 0 : 8;
}
