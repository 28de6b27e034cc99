#include "preauth/seccomp_policy.h"

#include <seccomp.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace lpsshd::preauth {

namespace {
// One rule: a system call, the conditions on its arguments (none means
// any), and why the preauth child needs it.
bool allow(scmp_filter_ctx ctx, int nr, std::initializer_list<scmp_arg_cmp> args = {}) {
  return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, static_cast<unsigned>(args.size()),
                                args.size() ? args.begin() : nullptr) == 0;
}

constexpr scmp_datum_t kLastFd = kSandboxMonitorFd;
}  // namespace

std::string install_seccomp_policy() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (ctx == nullptr) return "seccomp_init failed";
  const auto fd_ok = SCMP_A0(SCMP_CMP_LE, kLastFd);  // only fds 0 and 1
  const auto monitor_fd = SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(kSandboxMonitorFd));
  const auto no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);  // never new code
  const bool ok =
      allow(ctx, SCMP_SYS(read), {fd_ok}) &&          // client bytes, monitor replies
      allow(ctx, SCMP_SYS(sendto), {fd_ok}) &&        // send(2) of packets and requests
      allow(ctx, SCMP_SYS(recvmsg), {monitor_fd}) &&  // monitor replies: truncation is only visible here
      allow(ctx, SCMP_SYS(sendmsg), {monitor_fd}) &&  // monitor requests
      allow(ctx, SCMP_SYS(poll)) &&                   // waiting for the client
      allow(ctx, SCMP_SYS(ppoll)) &&
      allow(ctx, SCMP_SYS(close)) &&                  // dropping descriptors it was sent
      allow(ctx, SCMP_SYS(brk)) &&                    // malloc
      allow(ctx, SCMP_SYS(mmap), {no_exec}) &&        // malloc of large blocks, never executable
      allow(ctx, SCMP_SYS(mprotect), {no_exec}) &&    // malloc arenas, never executable
      allow(ctx, SCMP_SYS(munmap)) &&
      allow(ctx, SCMP_SYS(mremap)) &&
      allow(ctx, SCMP_SYS(madvise)) &&                // free() returning memory
      allow(ctx, SCMP_SYS(getrandom)) &&              // libsodium: padding, nonces
      allow(ctx, SCMP_SYS(clock_gettime)) &&          // when the vDSO is unavailable
      allow(ctx, SCMP_SYS(rt_sigreturn)) &&
      allow(ctx, SCMP_SYS(exit)) &&
      allow(ctx, SCMP_SYS(exit_group));
  std::string error;
  if (!ok) {
    error = "seccomp rule failed";
  } else if (int rc = seccomp_load(ctx); rc != 0) {
    error = std::string("seccomp_load: ") + std::strerror(-rc);
  }
  seccomp_release(ctx);
  return error;
}

}  // namespace lpsshd::preauth
