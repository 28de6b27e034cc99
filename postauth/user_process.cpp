#include "postauth/user_process.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc/socket_address.h"
#include "proc/spawn.h"

namespace lpsshd::postauth {

namespace {
bool make_pipe(proc::UniqueFd& read_end, proc::UniqueFd& write_end) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return false;
  read_end.reset(p[0]);
  write_end.reset(p[1]);
  return true;
}

bool set_nonblocking(int fd) {
  const int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}
}  // namespace

Endpoints endpoints_of(int fd) {
  const auto peer = proc::peer_address(fd), local = proc::local_address(fd);
  return Endpoints{peer.text, local.text, peer.port, local.port};
}

std::string login_banner(const UserAccount& user, const std::string& last_login, bool print_motd) {
  if (access((user.home + "/.hushlogin").c_str(), F_OK) == 0) return "";
  std::string text;
  if (!last_login.empty()) text += last_login + "\r\n";
  if (print_motd) {
    const int fd = open("/etc/motd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd >= 0) {
      char buf[4096];
      ssize_t n;
      size_t total = 0;
      while ((n = read(fd, buf, sizeof buf)) > 0 && total < 64 * 1024) {
        text.append(buf, static_cast<size_t>(n));
        total += static_cast<size_t>(n);
      }
      close(fd);
    }
  }
  return text;
}

std::optional<UserProcess> start_user_process(const UserAccount& user,
                                              const std::vector<std::string>& env,
                                              const std::optional<std::string>& command,
                                              const Terminal* terminal, int master_fd) {
  proc::UniqueFd in_r, in_w, out_r, out_w, err_r, err_w;
  if (terminal == nullptr &&
      (!make_pipe(in_r, in_w) || !make_pipe(out_r, out_w) || !make_pipe(err_r, err_w)))
    return std::nullopt;
  const std::string base = user.shell.substr(user.shell.rfind('/') + 1);
  proc::SpawnSpec spec;
  spec.path = user.shell;
  spec.env = env;
  spec.new_session = true;
  if (terminal != nullptr)
    spec.fds = {terminal->slave_fd, terminal->slave_fd, terminal->slave_fd};
  else
    spec.fds = {in_r.get(), out_w.get(), err_w.get()};
  if (command)
    spec.argv = {base, "-c", *command};
  else
    spec.argv = {"-" + base};  // a login shell, as sshd starts it
  spec.before_exec = [&user, terminal] {
    setrlimit(RLIMIT_CORE, &user.core_limit);
    if (terminal != nullptr) {
      // The new session's controlling terminal: job control and Ctrl-C work.
      if (ioctl(0, TIOCSCTTY, 0) != 0) return false;
      const std::string& b = terminal->banner;
      for (size_t off = 0; off < b.size();) {
        const ssize_t n = write(1, b.data() + off, b.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
    }
    // Not fatal if the home directory is gone: sshd also falls back to /.
    if (chdir(user.home.c_str()) != 0 && chdir("/") != 0) return false;
    return true;
  };
  const pid_t pid = proc::spawn(spec);
  if (pid < 0) return std::nullopt;
  UserProcess p;
  p.pid = pid;
  if (terminal != nullptr) {
    p.stdin_w.reset(fcntl(master_fd, F_DUPFD_CLOEXEC, 3));
    p.stdout_r.reset(fcntl(master_fd, F_DUPFD_CLOEXEC, 3));
    if (!p.stdin_w || !p.stdout_r || !set_nonblocking(master_fd)) return std::nullopt;
    return p;
  }
  p.stdin_w = std::move(in_w);
  p.stdout_r = std::move(out_r);
  p.stderr_r = std::move(err_r);
  if (!set_nonblocking(p.stdin_w.get()) || !set_nonblocking(p.stdout_r.get()) ||
      !set_nonblocking(p.stderr_r.get()))
    return std::nullopt;
  return p;
}

}  // namespace lpsshd::postauth
