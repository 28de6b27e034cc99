// fork+exec of lpsshd's helper binaries with an exact fd layout: the child
// gets fds[i] as descriptor i and nothing else (every other descriptor is
// closed), an empty signal mask, default signal dispositions and the given
// environment. Each helper is a fresh exec: fresh ASLR, no parent secrets.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace lpsshd::proc {

// In the child, the descriptors of SpawnSpec::fds are first moved to
// kStagingFd + fds.size() and above, so RLIMIT_NOFILE must leave room there.
inline constexpr int kStagingFd = 64;

struct SpawnSpec {
  // Absolute path of the binary or script (#!), exec'd by path after
  // before_exec: the credentials before_exec leaves must be able to reach it.
  std::string path;
  std::vector<std::string> argv;   // argv[0] included
  std::vector<std::string> env;    // "NAME=value"
  std::vector<int> fds;            // fds[i] becomes descriptor i in the child
  // Runs in the child after the fd layout is in place and before exec, e.g.
  // to drop credentials. Returning false makes the child _exit(127). It must
  // only make async-signal-safe calls if the parent has threads (ours do not).
  std::function<bool()> before_exec;
  // Runs in the child right after fork, before the descriptors are
  // rearranged: the parent's descriptors (its log on 2) are still there.
  // Returning false makes the child _exit(127).
  std::function<bool()> before_layout;
  bool new_session = false;        // setsid() in the child
  // spawn() returns only once the child has exec'd (a close-on-exec pipe
  // reports it): a failure in the child before exec is then spawn's -1
  // with the child's errno, and the child is reaped, instead of a pid that
  // is about to exit 127. For callers that must not report a process as
  // started before it is (the PAM helper's user child).
  bool confirm_exec = false;
};

// Returns the child's pid, or -1 with errno set if fork failed (or, with
// confirm_exec, if the child failed before exec). Other failures in the
// child after fork show as exit status 127.
pid_t spawn(const SpawnSpec& spec);

// Path of a helper binary: next to the running executable (build tree) if it
// exists there, else in the install's libexec directory.
std::string helper_path(const std::string& name);

}  // namespace lpsshd::proc
