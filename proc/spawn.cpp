#include "proc/spawn.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace lpsshd::proc {

namespace {
// Moves every source fd above the target range first, so dup2 into 0..n-1
// cannot clobber a source that has not been placed yet. A report pipe
// (*report >= 0) is kept too, close-on-exec, as descriptor n.
bool place_fds(const std::vector<int>& fds, int* report) {
  const int n = static_cast<int>(fds.size());
  std::vector<int> staged(fds.size(), -1);
  for (size_t i = 0; i < fds.size(); ++i) {
    staged[i] = fcntl(fds[i], F_DUPFD, kStagingFd + n);
    if (staged[i] < 0) return false;
  }
  int staged_report = -1;
  if (*report >= 0 && (staged_report = fcntl(*report, F_DUPFD_CLOEXEC, kStagingFd + n)) < 0)
    return false;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (dup2(staged[i], static_cast<int>(i)) < 0) return false;
  }
  int keep = n;
  if (staged_report >= 0) {
    if (dup3(staged_report, n, O_CLOEXEC) < 0) return false;
    *report = n;
    keep = n + 1;
  }
  // Nothing but the listed descriptors survives, even ones without CLOEXEC.
  if (close_range(static_cast<unsigned>(keep), ~0U, 0) != 0) {
    for (int fd = keep; fd < 1024; ++fd) close(fd);
  }
  return true;
}

// The child's way out before exec: errno to the parent (if it waits for
// the exec), then exit status 127.
[[noreturn]] void child_fails(int report) {
  if (report >= 0) {
    const int err = errno != 0 ? errno : ECANCELED;
    ssize_t w;
    do w = write(report, &err, sizeof err);
    while (w < 0 && errno == EINTR);
  }
  _exit(127);
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    signal(s, SIG_DFL);
  }
}
}  // namespace

pid_t spawn(const SpawnSpec& spec) {
  std::vector<char*> argv, envp;
  for (auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int report[2] = {-1, -1};
  if (spec.confirm_exec && pipe2(report, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid != 0) {
    if (report[0] < 0) return pid;
    const int saved = errno;
    close(report[1]);
    // EOF: the write end went away at exec. An errno: the child failed.
    int err = 0;
    ssize_t r;
    do r = read(report[0], &err, sizeof err);
    while (r < 0 && errno == EINTR);
    close(report[0]);
    if (pid < 0) {
      errno = saved;
      return -1;
    }
    if (r == 0) return pid;
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    errno = r == static_cast<ssize_t>(sizeof err) ? err : EIO;
    return -1;
  }

  int report_fd = report[1];
  if (report[0] >= 0) close(report[0]);
  reset_signals();
  errno = 0;  // a hook that fails without errno reports ECANCELED
  if (spec.before_layout && !spec.before_layout()) child_fails(report_fd);
  if (spec.new_session && setsid() < 0) child_fails(report_fd);
  if (!place_fds(spec.fds, &report_fd)) child_fails(report_fd);
  if (spec.before_exec && !spec.before_exec()) child_fails(report_fd);
  // By path, with the credentials before_exec left: a script (#!) must get a
  // path its interpreter can open, which a close-on-exec descriptor
  // (execveat) cannot give it, and users' login shells may be scripts.
  // Helper binaries that drop privileges themselves are exec'd while root.
  execve(spec.path.c_str(), argv.data(), envp.data());
  child_fails(report_fd);
}

std::string helper_path(const std::string& name) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir.resize(dir.rfind('/') + 1);
    struct stat st;
    if (stat((dir + name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) return dir + name;
  }
  return std::string(LPSSHD_LIBEXECDIR) + "/" + name;
}

}  // namespace lpsshd::proc
