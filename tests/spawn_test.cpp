// proc::spawn: the exact descriptor layout (nothing unlisted reaches the
// child, close-on-exec or not) and confirm_exec (a child that never got to
// exec is spawn's failure, with its errno, and is reaped).
#include "proc/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace {

using lpsshd::proc::SpawnSpec;

// Runs `sh -c script` with stdin /dev/null and stdout+stderr into a pipe;
// returns what it printed and sets status to its wait status.
std::string run_sh(const std::string& script, int& status, std::vector<int> extra = {}) {
  int out[2];
  EXPECT_EQ(0, pipe2(out, O_CLOEXEC));
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  SpawnSpec spec;
  spec.path = "/bin/sh";
  spec.argv = {"sh", "-c", script};
  spec.fds = {devnull, out[1], out[1]};
  for (int fd : extra) spec.fds.push_back(fd);
  const pid_t pid = lpsshd::proc::spawn(spec);
  close(out[1]);
  close(devnull);
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  EXPECT_EQ(pid, waitpid(pid, &status, 0));
  return text;
}

TEST(Spawn, DescriptorWithoutCloexecDoesNotReachTheChild) {
  // Inherited by a plain fork+exec; spawn must close it anyway.
  const int leak = open("/dev/null", O_RDONLY);  // no O_CLOEXEC, on purpose
  ASSERT_GE(leak, 3);
  ASSERT_EQ(0, fcntl(leak, F_GETFD) & FD_CLOEXEC);
  int status = 0;
  const std::string n = std::to_string(leak);
  const std::string out =
      run_sh("[ -e /proc/self/fd/" + n + " ] && echo open || echo closed", status);
  EXPECT_EQ("closed\n", out);
  // Control: listed, the same descriptor is there (as number 3).
  const std::string listed = run_sh("[ -e /proc/self/fd/3 ] && echo open || echo closed", status, {leak});
  EXPECT_EQ("open\n", listed);
  close(leak);
}

TEST(Spawn, ChildHasExactlyTheListedDescriptors) {
  // ls's own directory descriptor is the one above 2.
  int status = 0;
  const int leak = open("/dev/null", O_RDONLY);
  const std::string out = run_sh("exec ls /proc/self/fd", status);
  close(leak);
  EXPECT_EQ("0\n1\n2\n3\n", out);
}

TEST(Spawn, ConfirmExecSucceedsOnceExecd) {
  SpawnSpec spec;
  spec.path = "/bin/true";
  spec.argv = {"true"};
  spec.confirm_exec = true;
  const pid_t pid = lpsshd::proc::spawn(spec);
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// With confirm_exec, a failure before exec is -1 with the child's errno, and
// no child is left to reap.
void expect_confirmed_failure(SpawnSpec spec, int err) {
  spec.confirm_exec = true;
  errno = 0;
  EXPECT_EQ(-1, lpsshd::proc::spawn(spec));
  EXPECT_EQ(err, errno);
  EXPECT_EQ(-1, waitpid(-1, nullptr, WNOHANG));
  EXPECT_EQ(ECHILD, errno);
}

TEST(Spawn, ConfirmExecReportsMissingBinary) {
  SpawnSpec spec;
  spec.path = "/nonexistent/lpsshd-spawn-test";
  spec.argv = {"x"};
  expect_confirmed_failure(spec, ENOENT);
}

TEST(Spawn, ConfirmExecReportsNonExecutableFile) {
  char path[] = "/tmp/lpsshd-spawn-test.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  chmod(path, 0644);
  SpawnSpec spec;
  spec.path = path;
  spec.argv = {"x"};
  expect_confirmed_failure(spec, EACCES);
  unlink(path);
}

TEST(Spawn, ConfirmExecReportsFailingHooks) {
  SpawnSpec spec;
  spec.path = "/bin/true";
  spec.argv = {"true"};
  spec.before_layout = [] { return false; };
  expect_confirmed_failure(spec, ECANCELED);
  spec.before_layout = nullptr;
  spec.before_exec = [] {
    errno = EPERM;
    return false;
  };
  expect_confirmed_failure(spec, EPERM);
}

TEST(Spawn, WithoutConfirmExecAFailedExecIsExitStatus127) {
  SpawnSpec spec;
  spec.path = "/nonexistent/lpsshd-spawn-test";
  spec.argv = {"x"};
  const pid_t pid = lpsshd::proc::spawn(spec);
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

}  // namespace
