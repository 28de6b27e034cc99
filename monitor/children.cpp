#include "monitor/children.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "proc/spawn.h"

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

// Runs in the forked child before exec: the user's groups and core-dump
// limit. The uid and gid are left to lpsshd-postauth, which is exec'd as
// root and drops itself (postauth/privilege_drop.h), so no process of the
// user can trace it while it starts.
bool prepare_user_child(const UserInfo& u) {
  rlimit core;
  if (getrlimit(RLIMIT_CORE, &core) == 0) {
    core.rlim_cur = std::min(g_user_core_soft, core.rlim_max);
    setrlimit(RLIMIT_CORE, &core);
  }
  return initgroups(u.name.c_str(), u.gid) == 0;
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

std::optional<ChildProcess> spawn_postauth(int client_fd, const UserInfo& user, int max_sessions) {
  auto pair = channel_pair();
  if (!pair) return std::nullopt;
  proc::SpawnSpec spec;
  spec.path = proc::helper_path("lpsshd-postauth");
  spec.argv = {"lpsshd-postauth", "-m", std::to_string(getpid()), "-s",
               std::to_string(max_sessions), "-u", std::to_string(user.uid),
               "-g", std::to_string(user.gid)};
  spec.before_exec = [&user] { return prepare_user_child(user); };
  return start(std::move(spec), client_fd, std::move(*pair));
}

}  // namespace lpsshd::monitor
