// The preauth child's confinement layers, evaluated for real:
//  - the compiled seccomp filter (preauth/seccomp_policy.h): a forked child
//    installs the exact policy, makes one system call and reports by its
//    exit status; allowed calls return, forbidden ones end it with SIGSYS;
//  - Landlock (preauth/landlock.h): the rights each ABI version handles, and
//    in a forked child that a deny-all ruleset really denies, while the
//    fallback (max_abi 0) leaves the process unrestricted.
// Each case runs in its own child: a filter or ruleset can never be removed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<linux/landlock.h>)
#include <linux/landlock.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "preauth/landlock.h"
#include "preauth/seccomp_policy.h"

using namespace lpsshd::preauth;

namespace {

// Exit codes of the forked child besides 0 (the call returned as expected).
constexpr int kSetupFailed = 100, kCallFailed = 101;

// Forks; the child gets readable pipes on descriptors 0 and 1 (and 5),
// installs the policy and runs `call`, then exits 0. Returns the wait status.
int status_of(const std::function<void()>& call, bool install = true) {
  int in0[2], in1[2];
  if (pipe(in0) != 0 || pipe(in1) != 0) return -1;
  // Data for the allowed reads, written before the fork so the child's read
  // returns at once.
  if (write(in0[1], "abcd", 4) != 4 || write(in1[1], "efgh", 4) != 4) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (dup2(in0[0], 0) < 0 || dup2(in1[0], 1) < 0 || dup2(in0[0], 5) < 0) _exit(kSetupFailed);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(kSetupFailed);
    if (install && !install_seccomp_policy().empty()) _exit(kSetupFailed);
    call();
    _exit(0);
  }
  for (int fd : {in0[0], in0[1], in1[0], in1[1]}) close(fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string describe(int status) {
  if (status < 0) return "fork/pipe failed";
  if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

bool exited_ok(int status) { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
bool killed_by_sigsys(int status) { return status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }

// Each call goes through syscall(2) so that exactly that system call is made.
void expect_success(long rc) {
  if (rc < 0) _exit(kCallFailed);
}

struct Case {
  const char* name;
  std::function<void()> call;
};

}  // namespace

// --- seccomp -----------------------------------------------------------------

TEST(SeccompPolicy, ChildWithoutThePolicyRunsEveryCase) {
  // The harness itself: without the filter, a forbidden call does not kill.
  const int st = status_of([] { syscall(SYS_getpid); }, false);
  EXPECT_TRUE(exited_ok(st)) << describe(st);
}

// The sanitizers' runtimes make system calls of their own (and map
// executable memory) at odd moments, which the allow-list rightly kills; the
// filter is evaluated in the normal build.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_SANITIZERS() GTEST_SKIP() << "seccomp filter is evaluated in the normal build"
#else
#define SKIP_UNDER_SANITIZERS() (void)0
#endif

TEST(SeccompPolicy, AllowedCallsWork) {
  SKIP_UNDER_SANITIZERS();
  const Case cases[] = {
      {"read fd 0", [] {
         char b[4];
         expect_success(syscall(SYS_read, 0, b, 4));
       }},
      {"read fd 1", [] {
         char b[4];
         expect_success(syscall(SYS_read, 1, b, 4));
       }},
      {"getrandom", [] {
         char b[32];
         expect_success(syscall(SYS_getrandom, b, sizeof b, 0));
       }},
      {"mmap read/write", [] {
         const long p = syscall(SYS_mmap, nullptr, 8192, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
         if (reinterpret_cast<void*>(p) == MAP_FAILED) _exit(kCallFailed);
         expect_success(syscall(SYS_munmap, p, 8192));
       }},
      {"mprotect read-only", [] {
         void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
         expect_success(syscall(SYS_mprotect, p, 4096, PROT_READ));
       }},
      {"brk", [] { expect_success(syscall(SYS_brk, 0)); }},
      {"clock_gettime", [] {
         timespec ts;
         expect_success(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
       }},
      {"poll fd 0", [] {
         pollfd p{0, POLLIN, 0};
         expect_success(syscall(SYS_poll, &p, 1, 0));
       }},
      // Allowed by the filter; the kernel's answer (not a socket) does not matter.
      {"sendto fd 1 (filter passes it)", [] { syscall(SYS_sendto, 1, "x", 1, 0, nullptr, 0); }},
      {"close", [] { expect_success(syscall(SYS_close, 0)); }},
  };
  for (const auto& c : cases) {
    const int st = status_of(c.call);
    EXPECT_TRUE(exited_ok(st)) << c.name << ": " << describe(st);
  }
}

TEST(SeccompPolicy, ForbiddenCallsKillWithSigsys) {
  SKIP_UNDER_SANITIZERS();
  const pid_t parent = getpid();
  const Case cases[] = {
      {"socket", [] { syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); }},
      {"openat", [] { syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY); }},
      {"mmap with PROT_EXEC", [] {
         syscall(SYS_mmap, nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
       }},
      {"mprotect with PROT_EXEC", [] {
         void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
         syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_EXEC);
       }},
      {"read fd 5", [] {
         char b[4];
         syscall(SYS_read, 5, b, 4);
       }},
      {"write fd 1", [] { syscall(SYS_write, 1, "x", 1); }},
      {"sendto fd 2", [] { syscall(SYS_sendto, 2, "x", 1, 0, nullptr, 0); }},
      {"recvmsg fd 0 (client socket)", [] {
         msghdr m{};
         syscall(SYS_recvmsg, 0, &m, 0);
       }},
      {"ioctl", [] {
         int n;
         syscall(SYS_ioctl, 0, FIONREAD, &n);
       }},
      {"kill", [parent] { syscall(SYS_kill, parent, 0); }},
      {"ptrace", [] { syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0); }},
      {"clone (fork)", [] { syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }},
      {"execve", [] {
         char* const argv[] = {const_cast<char*>("true"), nullptr};
         syscall(SYS_execve, "/bin/true", argv, nullptr);
       }},
      {"prlimit64", [] {
         rlimit rl{1024, 1024};
         syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &rl, nullptr);
       }},
      {"getpid", [] { syscall(SYS_getpid); }},
  };
  for (const auto& c : cases) {
    const int st = status_of(c.call);
    EXPECT_TRUE(killed_by_sigsys(st)) << c.name << ": " << describe(st);
  }
}

// --- Landlock ----------------------------------------------------------------

namespace {
constexpr uint64_t kFsAbi1 = (1ull << 13) - 1;
constexpr uint64_t kRefer = 1ull << 13, kTruncate = 1ull << 14, kIoctlDev = 1ull << 15;
}  // namespace

TEST(Landlock, RightsPerAbi) {
  struct Row {
    int abi;
    uint64_t fs, net, scoped;
    size_t attr_size;
  };
  const uint64_t fs2 = kFsAbi1 | kRefer, fs3 = fs2 | kTruncate, fs5 = fs3 | kIoctlDev;
  const Row rows[] = {
      {0, 0, 0, 0, 0},          // no Landlock: nothing handled
      {1, kFsAbi1, 0, 0, 8},    // EXECUTE .. MAKE_SYM
      {2, fs2, 0, 0, 8},        // + REFER
      {3, fs3, 0, 0, 8},        // + TRUNCATE
      {4, fs3, 3, 0, 16},       // + TCP bind/connect: the attribute grows
      {5, fs5, 3, 0, 16},       // + IOCTL_DEV
      {6, fs5, 3, 3, 24},       // + scoped abstract UNIX sockets and signals
      {7, fs5, 3, 3, 24},       // audit flags only, no new rights
      {8, fs5, 3, 3, 24},       // unknown newer ABI: what lpsshd knows of
  };
  for (const auto& r : rows) {
    const LandlockRights got = landlock_rights_for_abi(r.abi);
    EXPECT_EQ(got.fs, r.fs) << "abi " << r.abi;
    EXPECT_EQ(got.net, r.net) << "abi " << r.abi;
    EXPECT_EQ(got.scoped, r.scoped) << "abi " << r.abi;
    EXPECT_EQ(got.attr_size, r.attr_size) << "abi " << r.abi;
  }
  EXPECT_EQ(landlock_rights_for_abi(-1).fs, 0u);
}

TEST(Landlock, RightsMatchTheKernelHeader) {
#ifdef LANDLOCK_ACCESS_FS_MAKE_SYM
  EXPECT_EQ(landlock_rights_for_abi(1).fs, (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1);
#endif
#ifdef LANDLOCK_ACCESS_FS_REFER
  EXPECT_TRUE(landlock_rights_for_abi(2).fs & LANDLOCK_ACCESS_FS_REFER);
#endif
  SUCCEED();
}

namespace {
// In a forked child: apply with max_abi, then open /etc/hostname. Exit 0 if
// the open failed with EACCES, 10 if it succeeded, 20 otherwise; 30 + the
// applied ABI mismatching is reported as 30.
int landlock_open_status(int max_abi, int expect_abi) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(kSetupFailed);
    std::string err;
    if (apply_landlock_deny_all(max_abi, err) != expect_abi) _exit(30);
    const int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) _exit(10);
    _exit(errno == EACCES ? 0 : 20);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status); }

// A kernel without Landlock is a failure (see landlock_abi_test.cpp), a skip
// only where LPSSHD_TEST_ALLOW_NO_LANDLOCK=1 says it is known to lack it.
bool no_landlock_allowed() {
  const char* v = std::getenv("LPSSHD_TEST_ALLOW_NO_LANDLOCK");
  return landlock_abi() == 0 && v != nullptr && std::string(v) == "1";
}
}  // namespace

TEST(Landlock, DenyAllAtAbi2BlocksFiles) {
  if (no_landlock_allowed()) GTEST_SKIP() << "this kernel has no Landlock";
  ASSERT_GE(landlock_abi(), 1) << "Landlock is missing";
  ASSERT_EQ(access("/etc/hostname", R_OK), 0) << "the probe file must be readable first";
  EXPECT_EQ(exit_code(landlock_open_status(2, 2)), 0) << "open must fail with EACCES";
}

TEST(Landlock, MaxAbiZeroIsTheUnrestrictedFallback) {
  // Runs on every kernel: with max_abi 0 nothing is applied.
  ASSERT_EQ(access("/etc/hostname", R_OK), 0);
  EXPECT_EQ(exit_code(landlock_open_status(0, 0)), 10) << "open must still succeed";
}

TEST(Landlock, NewestAbiAlsoDeniesNetworkAndSignals) {
  const int abi = std::min(landlock_abi(), 7);
  if (no_landlock_allowed()) GTEST_SKIP() << "this kernel has no Landlock";
  ASSERT_GE(abi, 1) << "Landlock is missing";
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(kSetupFailed);
    std::string err;
    if (apply_landlock_deny_all(1000, err) != abi) _exit(30);
    if (open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES) _exit(31);
    if (abi >= 4) {
      const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(9);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (s < 0) _exit(32);
      if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 || errno != EACCES) _exit(33);
    }
    if (abi >= 6 && (kill(parent, 0) == 0 || errno != EPERM)) _exit(34);
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  EXPECT_EQ(exit_code(status), 0) << "30 wrong ABI applied, 31 file opened, 32 no socket, "
                                     "33 TCP connect not denied, 34 signal not denied";
}
