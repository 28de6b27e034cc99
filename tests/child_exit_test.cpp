// How a connection ended (monitor/child_exit.h): the audit lines the
// monitor writes when its child's channel closes, and the exit code the
// listener turns into PerSourcePenalties.
#include <gtest/gtest.h>
#include <signal.h>

#include "monitor/child_exit.h"
#include "monitor/listener_protocol.h"

using namespace lpsshd;
using namespace lpsshd::monitor;
namespace lp = listener_protocol;
using L = log::Level;

namespace {

// waitpid statuses as Linux encodes them.
int exited(int code) { return code << 8; }
int signaled(int sig) { return sig; }

ChildEnd preauth_end(int status, Phase phase = Phase::kAuth) {
  ChildEnd e;
  e.child = Child::kPreauth;
  e.wait_status = status;
  e.phase = phase;
  e.peer = Peer{"192.0.2.7", 2222};
  return e;
}

ChildEnd postauth_end(int status, Phase phase = Phase::kPostIdle) {
  ChildEnd e = preauth_end(status, phase);
  e.child = Child::kPostauth;
  e.user_name = "alice";
  e.user_for_log = "alice";
  return e;
}

TEST(ChildExit, PreauthCleanCloseBeforeAnyAttemptIsNoAuth) {
  const auto r = classify_child_exit(preauth_end(exited(0), Phase::kKexInit));
  EXPECT_EQ(r.exit_code, lp::kExitNoAuth);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kInfo, "Connection closed by 192.0.2.7 port 2222 [preauth]"}}));
}

TEST(ChildExit, PreauthCloseAfterFailuresNamesTheAuthenticatingUser) {
  auto e = preauth_end(exited(0));
  e.failures = 2;
  e.user_for_log = "alice";
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitAuthFail);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kInfo, "Connection closed by authenticating user alice 192.0.2.7 "
                                  "port 2222 [preauth]"}}));
}

TEST(ChildExit, PreauthCloseKeepsInvalidUserWording) {
  auto e = preauth_end(exited(0));
  e.user_for_log = "invalid user bob";
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitNoAuth);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].text, "Connection closed by invalid user bob 192.0.2.7 port 2222 [preauth]");
}

TEST(ChildExit, PreauthErrorExitIsVerboseThenClosed) {
  const auto r = classify_child_exit(preauth_end(exited(3)));
  EXPECT_EQ(r.exit_code, lp::kExitNoAuth);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kVerbose, "preauth child for 192.0.2.7 port 2222 exited with status 3"},
                       {L::kInfo, "Connection closed by 192.0.2.7 port 2222 [preauth]"}}));
}

TEST(ChildExit, SeccompKillIsSuspectedCompromise) {
  auto e = preauth_end(signaled(SIGSYS));
  e.failures = 1;  // a crash outranks failed attempts
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitCrash);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kError, "preauth child for 192.0.2.7 port 2222 killed by the seccomp "
                                   "sandbox (SIGSYS): suspected compromise"}}));
}

TEST(ChildExit, OtherSignalIsACrash) {
  const auto r = classify_child_exit(preauth_end(signaled(SIGSEGV)));
  EXPECT_EQ(r.exit_code, lp::kExitCrash);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kError, "preauth child for 192.0.2.7 port 2222 killed by signal 11"}}));
}

TEST(ChildExit, AfterAViolationNothingMoreIsLogged) {
  // The violation was logged when it happened; the child was killed by us.
  auto e = preauth_end(-1, Phase::kClosed);
  e.exit_code = lp::kExitCrash;
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitCrash);
  EXPECT_TRUE(r.log.empty());
}

TEST(ChildExit, ClosedPhaseWithoutViolationStillCountsFailures) {
  auto e = preauth_end(exited(0), Phase::kClosed);
  e.failures = 6;
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitAuthFail);
  EXPECT_TRUE(r.log.empty());
}

TEST(ChildExit, PostauthEndIsADisconnect) {
  const auto r = classify_child_exit(postauth_end(exited(0)));
  EXPECT_EQ(r.exit_code, lp::kExitNormal);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kInfo, "Disconnected from user alice 192.0.2.7 port 2222"}}));
}

TEST(ChildExit, PostauthUnderPamHasNoStatus) {
  // The PAM helper's child is not ours: no wait status, still a disconnect.
  const auto r = classify_child_exit(postauth_end(-1));
  EXPECT_EQ(r.exit_code, lp::kExitNormal);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].text, "Disconnected from user alice 192.0.2.7 port 2222");
}

TEST(ChildExit, PostauthErrorExitIsNotLogged) {
  const auto r = classify_child_exit(postauth_end(exited(5)));
  EXPECT_EQ(r.exit_code, lp::kExitNormal);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].level, L::kInfo);
}

TEST(ChildExit, PostauthSeccompKillIsLoggedButNotACrash) {
  // The user can send SIGSYS to their own postauth child: logged loudly,
  // but no penalty for the source address.
  const auto r = classify_child_exit(postauth_end(signaled(SIGSYS)));
  EXPECT_EQ(r.exit_code, lp::kExitNormal);
  EXPECT_EQ(r.log, (std::vector<LogLine>{
                       {L::kError, "postauth child for 192.0.2.7 port 2222 killed by the seccomp "
                                   "sandbox (SIGSYS): suspected compromise"},
                       {L::kInfo, "Disconnected from user alice 192.0.2.7 port 2222"}}));
}

TEST(ChildExit, PostauthKilledByItsUserIsNotACrash) {
  // kill -9 of one's own lpsshd-postauth (or a crash of it): the session
  // ended; a shared source address (NAT) earns no crash penalty.
  for (int sig : {SIGKILL, SIGSEGV, SIGABRT, SIGTERM}) {
    const auto r = classify_child_exit(postauth_end(signaled(sig)));
    EXPECT_EQ(r.exit_code, lp::kExitNormal) << "signal " << sig;
    EXPECT_EQ(r.log, (std::vector<LogLine>{
                         {L::kError, "postauth child for 192.0.2.7 port 2222 killed by signal " +
                                         std::to_string(sig)},
                         {L::kInfo, "Disconnected from user alice 192.0.2.7 port 2222"}}))
        << "signal " << sig;
  }
}

TEST(ChildExit, PostauthAfterViolationIsNotADisconnectNorACrash) {
  // The violation was logged when it happened; the monitor's loop reports
  // it as kExitCrash, but a postauth child is as hostile as its user, and
  // the user is already authenticated: no penalty for the source.
  auto e = postauth_end(-1, Phase::kClosed);
  e.exit_code = lp::kExitCrash;
  const auto r = classify_child_exit(e);
  EXPECT_EQ(r.exit_code, lp::kExitNormal);
  EXPECT_TRUE(r.log.empty());
}

TEST(ChildExit, PreauthViolationAndCrashStillEarnThePenalty) {
  auto v = preauth_end(-1, Phase::kClosed);
  v.exit_code = lp::kExitCrash;
  EXPECT_EQ(classify_child_exit(v).exit_code, lp::kExitCrash);
  EXPECT_EQ(classify_child_exit(preauth_end(signaled(SIGKILL))).exit_code, lp::kExitCrash);
}

}  // namespace
