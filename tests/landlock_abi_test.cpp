// Landlock capped at each ABI version the kernel offers, as preauth/landlock.h
// promises: the rights tables for older kernels (Debian 12's 6.1 stops at
// ABI 2) are exercised on this newer kernel, and each table is checked
// against what the kernel then enforces: a right an ABI does not know must
// still be allowed (the table did not claim too much), one it knows must be
// denied (the table did not forget it). The ABI that introduced each right
// is written out here from the kernel's documentation, not taken from the
// table under test.
//
// A kernel without Landlock fails these tests: the machines this project is
// built on have it, and a layer that silently went missing must not turn
// green. LPSSHD_TEST_ALLOW_NO_LANDLOCK=1 turns that into a skip for a
// machine known to lack it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "preauth/landlock.h"

using namespace lpsshd::preauth;

namespace {

constexpr int kNewestKnownAbi = 7;

// Exit codes of the probe child: 0 all as expected, else which check broke.
enum Probe : int {
  kAllAsExpected = 0,
  kSetupFailed = 40,
  kWrongAbiApplied = 41,
  kOpenNotDenied = 42,
  kTruncateWrong = 43,
  kConnectWrong = 44,
  kSignalWrong = 45,
};

// A TCP port on 127.0.0.1 with nothing listening: bound, never listened on.
struct ClosedPort {
  int fd = -1;
  int port = 0;
  ClosedPort() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
  }
  ~ClosedPort() {
    if (fd >= 0) close(fd);
  }
};

// In a forked child: apply Landlock capped at abi, then try one thing per
// right group and compare with what that ABI's table says.
int probe_at_abi(int abi, const std::string& scratch, int closed_port) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(kSetupFailed);
    std::string err;
    if (apply_landlock_deny_all(abi, err) != abi) _exit(kWrongAbiApplied);

    // Files: ABI 1 already handles reading.
    if (open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES) _exit(kOpenNotDenied);
    // truncate(2) by path: only ABI 3 and later can deny it.
    const bool truncate_denied = truncate(scratch.c_str(), 0) != 0 && errno == EACCES;
    if (truncate_denied != (abi >= 3)) _exit(kTruncateWrong);
    // TCP connect: ABI 4. Before it the connection is simply refused.
    const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) _exit(kSetupFailed);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(closed_port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool connect_denied =
        connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno == EACCES;
    if (connect_denied != (abi >= 4)) _exit(kConnectWrong);
    // Signals to processes outside the domain: ABI 6.
    const bool signal_denied = kill(parent, 0) != 0 && errno == EPERM;
    if (signal_denied != (abi >= 6)) _exit(kSignalWrong);
    _exit(kAllAsExpected);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

bool allowed_to_lack_landlock() {
  const char* v = std::getenv("LPSSHD_TEST_ALLOW_NO_LANDLOCK");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace

TEST(LandlockAbi, TheKernelHasLandlock) {
  if (landlock_abi() == 0 && allowed_to_lack_landlock())
    GTEST_SKIP() << "no Landlock, allowed by LPSSHD_TEST_ALLOW_NO_LANDLOCK=1";
  EXPECT_GE(landlock_abi(), 1) << "Landlock is missing: the preauth sandbox would run without it";
  EXPECT_EQ(landlock_abi_to_apply(1000), std::min(landlock_abi(), kNewestKnownAbi));
}

TEST(LandlockAbi, EachCappedAbiEnforcesExactlyItsTable) {
  const int newest = landlock_abi_to_apply(1000);
  if (newest == 0 && allowed_to_lack_landlock()) GTEST_SKIP() << "no Landlock";
  ASSERT_GE(newest, 1) << "Landlock is missing";
  ASSERT_EQ(access("/etc/hostname", R_OK), 0) << "the probe file must be readable first";
  ClosedPort closed;
  ASSERT_GT(closed.port, 0);
  char dir[] = "/tmp/lpsshd-landlock.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string scratch = std::string(dir) + "/file";
  for (int abi = 1; abi <= newest; ++abi) {
    const int fd = open(scratch.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "x", 1), 1);
    close(fd);
    EXPECT_EQ(probe_at_abi(abi, scratch, closed.port), kAllAsExpected) << "at ABI " << abi;
  }
  unlink(scratch.c_str());
  rmdir(dir);
}

TEST(LandlockAbi, CapAboveTheKernelUsesTheKernels) {
  EXPECT_EQ(landlock_abi_to_apply(1000), landlock_abi_to_apply(landlock_abi()));
  EXPECT_EQ(landlock_abi_to_apply(0), 0);
  EXPECT_EQ(landlock_abi_to_apply(-5), 0);
}

// Two file rights no probe above can see with a deny-all ruleset: REFER
// (ABI 2) only matters for a rename or link that the make/remove rights
// already deny, and IOCTL_DEV (ABI 5) only for a device opened before the
// restriction (none is). So their rows of the table are checked directly,
// with the bit and the ABI that introduced each written out from the
// kernel's documentation (include/uapi/linux/landlock.h); a row shifted to
// another bit or ABI, or dropped, fails here. The file rights as a whole:
// ABI 1's thirteen, then one more at ABIs 2, 3 and 5.
TEST(LandlockAbi, FileRightsWithoutAProbeAreInTheirAbisRows) {
  constexpr uint64_t kRefer = 1ull << 13;     // LANDLOCK_ACCESS_FS_REFER, ABI 2
  constexpr uint64_t kTruncate = 1ull << 14;  // LANDLOCK_ACCESS_FS_TRUNCATE, ABI 3
  constexpr uint64_t kIoctlDev = 1ull << 15;  // LANDLOCK_ACCESS_FS_IOCTL_DEV, ABI 5
  constexpr uint64_t kAbi1 = (1ull << 13) - 1;  // EXECUTE .. MAKE_SYM
  for (int abi = 1; abi <= kNewestKnownAbi; ++abi) {
    const uint64_t fs = landlock_rights_for_abi(abi).fs;
    EXPECT_EQ((fs & kRefer) != 0, abi >= 2) << "REFER at ABI " << abi;
    EXPECT_EQ((fs & kIoctlDev) != 0, abi >= 5) << "IOCTL_DEV at ABI " << abi;
    uint64_t want = kAbi1;
    if (abi >= 2) want |= kRefer;
    if (abi >= 3) want |= kTruncate;
    if (abi >= 5) want |= kIoctlDev;
    EXPECT_EQ(fs, want) << "file rights at ABI " << abi;
  }
  EXPECT_EQ(landlock_rights_for_abi(0).fs, 0u);
}
