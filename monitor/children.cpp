#include "monitor/children.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "proc/spawn.h"
#include "proc/user_child.h"

namespace lpsshd::monitor {

namespace {
rlim_t g_user_core_soft = 0;

struct Pair {
  proc::UniqueFd mine, theirs;
};

std::optional<Pair> channel_pair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return std::nullopt;
  return Pair{proc::UniqueFd(sv[0]), proc::UniqueFd(sv[1])};
}

std::optional<ChildProcess> start(proc::SpawnSpec spec, int client_fd, Pair pair,
                                  std::vector<int> extra_fds = {}) {
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull) return std::nullopt;
  spec.fds = {client_fd, pair.theirs.get(), devnull.get()};
  spec.fds.insert(spec.fds.end(), extra_fds.begin(), extra_fds.end());
  const pid_t pid = proc::spawn(spec);
  if (pid < 0) return std::nullopt;
  return ChildProcess{pid, std::move(pair.mine)};
}
}  // namespace

void set_user_core_limit(rlim_t soft) { g_user_core_soft = soft; }
rlim_t user_core_limit() { return g_user_core_soft; }

std::optional<ChildProcess> spawn_preauth(int client_fd, uid_t uid, gid_t gid,
                                          const std::string& chroot_dir, int netns_fd,
                                          int mntns_fd) {
  auto pair = channel_pair();
  if (!pair) return std::nullopt;
  proc::SpawnSpec spec;
  spec.path = proc::helper_path("lpsshd-preauth");
  spec.argv = {"lpsshd-preauth", "-u", std::to_string(uid), "-g", std::to_string(gid),
               "-r", chroot_dir, "-m", std::to_string(getpid())};
  std::vector<int> extra;
  if (netns_fd >= 0 && mntns_fd >= 0) {
    spec.argv.push_back("-N");
    extra = {netns_fd, mntns_fd};
  }
  return start(std::move(spec), client_fd, std::move(*pair), extra);
}

std::optional<ChildProcess> spawn_postauth(int client_fd, const UserInfo& user, int max_sessions,
                                           const std::string& chroot) {
  auto pair = channel_pair();
  if (!pair) return std::nullopt;
  proc::SpawnSpec spec;
  spec.path = proc::helper_path("lpsshd-postauth");
  spec.argv = {"lpsshd-postauth", "-m", std::to_string(getpid()), "-s",
               std::to_string(max_sessions), "-u", std::to_string(user.uid),
               "-g", std::to_string(user.gid)};
  if (!chroot.empty()) spec.argv.insert(spec.argv.end(), {"-c", chroot});
  // The ids are left to lpsshd-postauth, exec'd as root: it drops itself
  // (postauth/privilege_drop.h), so no process of the user can trace it.
  spec.before_exec = [&user] {
    return proc::prepare_user_child(user.name, user.gid, g_user_core_soft);
  };
  return start(std::move(spec), client_fd, std::move(*pair));
}

}  // namespace lpsshd::monitor
