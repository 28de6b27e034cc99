// What each layer of the preauth sandbox costs per connection. Forks N
// children per variant; each enters the real sandbox (preauth/sandbox.h)
// with some layers left out, then exits. The parent times fork-to-reap, and
// the differences between variants are the layers' costs. Also times what
// a fresh network namespace per connection would cost instead of setns.
// Run as root: build/bin/sandbox_layers [N]
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "preauth/sandbox.h"
#include "preauth/seccomp_policy.h"
#include "sshd/sandbox_namespaces.h"

using namespace lpsshd;

namespace {
double now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// Median microseconds of fork + child work + exit + reap.
double measure(int n, const std::function<bool()>& child) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) {
    const double t0 = now_us();
    const pid_t pid = fork();
    if (pid == 0) _exit(child() ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    t.push_back(now_us() - t0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "child failed\n");
      std::exit(1);
    }
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  std::string error;
  auto ns = sshd::create_sandbox_namespaces(error);
  if (!ns) {
    std::fprintf(stderr, "namespaces: %s\n", error.c_str());
    return 1;
  }
  const pid_t parent = getpid();
  auto spec = [&](bool namespaces, int landlock) {
    preauth::SandboxSpec s{};
    s.uid = 1879048192 + 7;
    s.gid = s.uid;
    s.chroot_dir = "/var/empty";
    s.monitor_pid = parent;
    s.highest_fd = 1000;  // the benchmark keeps its descriptors
    s.landlock_max_abi = landlock;
    if (namespaces) {
      s.netns_fd = dup(ns->net.get());
      s.mntns_fd = dup(ns->mnt.get());
    }
    return s;
  };
  const double base = measure(n, [] { return true; });
  const double full = measure(n, [&] {
    const auto e = preauth::enter_sandbox(spec(true, 1000));
    if (!e.empty()) std::fprintf(stderr, "%s\n", e.c_str());
    return e.empty();
  });
  const double no_ns = measure(n, [&] { return preauth::enter_sandbox(spec(false, 1000)).empty(); });
  const double no_ll = measure(n, [&] { return preauth::enter_sandbox(spec(true, 0)).empty(); });
  const double seccomp = measure(n, [] { return preauth::install_seccomp_policy().empty(); });
  const double fresh_netns = measure(n, [] { return unshare(CLONE_NEWNET) == 0; });
  std::printf("median over %d forks, microseconds per connection\n", n);
  std::printf("  fork+exit baseline                     %8.1f\n", base);
  std::printf("  whole sandbox (all layers)             %8.1f  (+%.1f)\n", full, full - base);
  std::printf("  joining the empty namespaces (setns)   %8.1f\n", full - no_ns);
  std::printf("  Landlock deny-all                      %8.1f\n", full - no_ll);
  std::printf("  seccomp filter load                    %8.1f\n", seccomp - base);
  std::printf("  a fresh network namespace instead      %8.1f  (unshare; teardown not counted)\n",
              fresh_netns - base);
  return 0;
}
