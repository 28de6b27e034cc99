#include "proc/spawn.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace lpsshd::proc {

namespace {
// Moves every source fd above the target range first, so dup2 into 0..n-1
// cannot clobber a source that has not been placed yet.
bool place_fds(const std::vector<int>& fds) {
  std::vector<int> staged(fds.size(), -1);
  for (size_t i = 0; i < fds.size(); ++i) {
    staged[i] = fcntl(fds[i], F_DUPFD, kStagingFd + static_cast<int>(fds.size()));
    if (staged[i] < 0) return false;
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    if (dup2(staged[i], static_cast<int>(i)) < 0) return false;
  }
  // Nothing but the listed descriptors survives, even ones without CLOEXEC.
  if (close_range(static_cast<unsigned>(fds.size()), ~0U, 0) != 0) {
    for (int fd = static_cast<int>(fds.size()); fd < 1024; ++fd) close(fd);
  }
  return true;
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

  const pid_t pid = fork();
  if (pid != 0) return pid;

  reset_signals();
  if (spec.before_layout && !spec.before_layout()) _exit(127);
  if (spec.new_session && setsid() < 0) _exit(127);
  if (!place_fds(spec.fds)) _exit(127);
  if (spec.before_exec && !spec.before_exec()) _exit(127);
  // By path, with the credentials before_exec left: a script (#!) must get a
  // path its interpreter can open, which a close-on-exec descriptor
  // (execveat) cannot give it, and users' login shells may be scripts.
  // Helper binaries that drop privileges themselves are exec'd while root.
  execve(spec.path.c_str(), argv.data(), envp.data());
  _exit(127);
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
