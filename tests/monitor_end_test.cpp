// The listener's line for a monitor's end (sshd/monitor_end.h): every death
// by signal is an ERROR naming the signal (the integration tests grep for
// it), an exit code outside the listener protocol is one too, and the
// protocol's own codes stay quiet because the monitor logged them itself.
#include "sshd/monitor_end.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/listener_protocol.h"

namespace lpsshd::sshd {
namespace {

namespace lp = listener_protocol;
const std::string kWho = "monitor for [127.0.0.1]:4242 (connection #7)";

// A real wait status of a child that did `body`, not one made by macros.
int status_of(void (*body)()) {
  const pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(99);
  }
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return status;
}

TEST(MonitorEnd, DeathBySignalIsLoggedWithTheSignal) {
  const int segv = status_of([] {
    signal(SIGSEGV, SIG_DFL);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    raise(SIGSEGV);
  });
  EXPECT_EQ(describe_monitor_end(kWho, segv), kWho + " killed by signal 11");
  const int abrt = status_of([] {
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
  });
  EXPECT_EQ(describe_monitor_end(kWho, abrt), kWho + " killed by signal 6");
  const int kill9 = status_of([] { raise(SIGKILL); });
  EXPECT_EQ(describe_monitor_end(kWho, kill9), kWho + " killed by signal 9");
}

TEST(MonitorEnd, ProtocolExitCodesAreLeftToTheMonitor) {
  for (int code : std::initializer_list<int>{lp::kExitNormal, lp::kExitError, lp::kExitAuthFail,
                                             lp::kExitNoAuth, lp::kExitGraceExceeded, lp::kExitCrash, 127})
    EXPECT_EQ(describe_monitor_end(kWho, W_EXITCODE(code, 0)), std::nullopt) << code;
}

TEST(MonitorEnd, OtherExitCodesAreLogged) {
  EXPECT_EQ(describe_monitor_end(kWho, W_EXITCODE(2, 0)), kWho + " exited with unexpected status 2");
  EXPECT_EQ(describe_monitor_end(kWho, W_EXITCODE(66, 0)), kWho + " exited with unexpected status 66");
}

TEST(MonitorEnd, StoppedIsNotAnEnd) {
  EXPECT_EQ(describe_monitor_end(kWho, W_STOPCODE(SIGSTOP)), std::nullopt);
}

}  // namespace
}  // namespace lpsshd::sshd
