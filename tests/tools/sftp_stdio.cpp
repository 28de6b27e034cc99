// Test-only: runs the in-process SFTP server on stdin/stdout, so the real
// OpenSSH client can drive it without ssh (`sftp -D sftp_stdio -b batch`).
// Arguments are internal-sftp's options (sftp_stdio -R -d /srv); log lines
// go to stderr. Not installed.
#include <poll.h>
#include <signal.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "postauth/sftp_server.h"

using namespace lpsshd::postauth::sftp;

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a client gone away is a write error
  std::string command = "internal-sftp";
  // scp -D runs the server as it would run ssh: "-- HOST sftp" follows the
  // options; OpenSSH's sftp-server ignores it, and so does this wrapper.
  for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i)
    command += std::string(" '") + argv[i] + "'";
  std::string error;
  auto opts = parse_internal_sftp_args(command, error);
  if (!opts) {
    fprintf(stderr, "sftp_stdio: %s\n", error.c_str());
    return 2;
  }
  const struct passwd* pw = getpwuid(getuid());
  SftpIdentity who;
  who.user = pw != nullptr ? pw->pw_name : std::to_string(getuid());
  who.uid = getuid();
  who.gid = getgid();
  who.home = pw != nullptr ? pw->pw_dir : "/";
  who.from = "stdio";
  int status = 0;
  {
    SftpServer server(*opts, who, [](std::string line) { fprintf(stderr, "%s\n", line.c_str()); });
    std::vector<uint8_t> buf(512 * 1024);
    bool eof = false;
    while (!server.failed()) {
      auto& out = server.output();
      if (eof && out.empty()) break;
      struct pollfd fds[2] = {{0, static_cast<short>(!eof && server.wants_input() ? POLLIN : 0), 0},
                              {1, static_cast<short>(out.empty() ? 0 : POLLOUT), 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        status = 1;
        break;
      }
      if (out.empty() && (fds[1].revents & (POLLERR | POLLHUP))) break;  // client gone
      if (!out.empty() && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
        auto front = out.front();
        ssize_t n = write(1, front.data(), front.size());
        if (n < 0 && errno != EINTR && errno != EAGAIN) break;
        if (n > 0) out.consume(static_cast<size_t>(n));
        // Drained below the bound: serve what was held back.
        if (out.size() <= SftpServer::kOutputBound) server.input({});
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(0, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) eof = true;
        else server.input({buf.data(), static_cast<size_t>(n)});
      }
    }
    if (server.failed()) {
      fprintf(stderr, "sftp_stdio: protocol error: %s\n", server.error().c_str());
      status = 1;
    }
  }
  return status;
}
