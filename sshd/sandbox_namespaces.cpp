#include "sshd/sandbox_namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lpsshd::sshd {

namespace {
// Runs in a short-lived child: builds the namespaces, then reports by
// writing one byte and waits to be killed once the parent holds them.
[[noreturn]] void build(int report_fd) {
  constexpr const char* kMountPoint = "/tmp";  // exists everywhere; private in the new namespace
  char ok = 0;
  if (unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 &&
      mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
      mount("lpsshd-empty", kMountPoint, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "size=4k,nr_inodes=2,mode=0555") == 0 &&
      chdir(kMountPoint) == 0 && syscall(SYS_pivot_root, ".", ".") == 0 &&
      umount2(".", MNT_DETACH) == 0 && chdir("/") == 0 &&
      mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            nullptr) == 0)
    ok = 1;
  if (write(report_fd, &ok, 1) != 1) _exit(1);
  pause();
  _exit(0);
}
}  // namespace

std::optional<SandboxNamespaces> create_sandbox_namespaces(std::string& error) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  proc::UniqueFd rd(p[0]), wr(p[1]);
  const pid_t pid = fork();
  if (pid < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) build(wr.get());
  wr.reset();
  char ok = 0;
  const bool reported = read(rd.get(), &ok, 1) == 1 && ok == 1;
  SandboxNamespaces ns;
  if (reported) {
    const std::string base = "/proc/" + std::to_string(pid) + "/ns/";
    ns.net.reset(open((base + "net").c_str(), O_RDONLY | O_CLOEXEC));
    ns.mnt.reset(open((base + "mnt").c_str(), O_RDONLY | O_CLOEXEC));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (!reported || !ns.net || !ns.mnt) {
    error = "cannot create empty namespaces (needs CAP_SYS_ADMIN outside a restricted container)";
    return std::nullopt;
  }
  return ns;
}

}  // namespace lpsshd::sshd
