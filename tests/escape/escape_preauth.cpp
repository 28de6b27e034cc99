// escape_preauth: an attacker's code running inside the real preauth sandbox,
// for tests/integration/escape_test.sh.
//
// The harness installs this binary as lpsshd-preauth next to the real
// lpsshd, lpsshd-monitor, lpsshd-postauth and lpsshd-pam, so the real monitor
// starts it through its real spawn path with the real argv
// (-u UID -g GID -r CHROOT -m MONITOR_PID [-N]) and descriptors (0 client
// socket, 1 monitor channel, 2 /dev/null, with -N 3 and 4 the empty
// namespaces). It parses argv like preauth/main.cpp and calls the same
// preauth::enter_sandbox() as the real child, so from then on it is exactly
// as confined as a compromised real child. Then it reads one line
//
//   ATTEMPT <name> [arg]\n
//
// from the client, makes that one attempt and sends the client one line:
//   BLOCKED <errno name>    the call failed and had no effect
//   ESCAPED <detail>        the call worked: the sandbox has a hole
//   OK <detail>             a control attempt that must work (getrandom, sandbox)
// and exits. When the seccomp filter kills it (SIGSYS) the client sees the
// connection close without a line, and the monitor logs the suspected
// compromise. Output goes through send(2) on descriptor 0: write(2) is not
// on the allow-list.
//
// The escape_preauth_no_* builds of this file link a test-only sandbox set-up
// with layers left out (seccomp always; see preauth/CMakeLists.txt), so the
// same attempts show what each remaining layer stops on its own. Attempts
// that need a descriptor first close descriptor 2 (/dev/null), as an
// attacker would, so RLIMIT_NOFILE does not hide the layer under test;
// "dup" tests the limit itself.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "preauth/sandbox.h"

using namespace lpsshd;

namespace {
constexpr int kClientFd = 0;

void tell(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void tell(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > static_cast<int>(sizeof buf) - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  (void)send(kClientFd, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
}

const char* errname(int e) {
  const char* n = strerrorname_np(e);
  return n != nullptr ? n : "E?";
}

// One line from the client; the socket is non-blocking, so poll first.
std::string read_line() {
  std::string line;
  while (line.size() < 512) {
    pollfd p{kClientFd, POLLIN, 0};
    if (poll(&p, 1, 15000) <= 0) return "";
    char c;
    const ssize_t n = read(kClientFd, &c, 1);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return "";
    if (c == '\n') return line;
    line += c;
  }
  return "";
}

// A failed call is "blocked" only by what stopped it; success is an escape.
int result(long rc, const char* escaped_detail) {
  if (rc < 0) {
    tell("BLOCKED %s", errname(errno));
    return 0;
  }
  tell("ESCAPED %s (returned %ld)", escaped_detail, rc);
  return 1;
}

// Makes room for one descriptor under RLIMIT_NOFILE 3.
void free_slot() { close(2); }

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int attempt(const std::string& name, const std::string& arg, const preauth::SandboxSpec& spec,
            const preauth::SandboxReport& rep) {
  const long num = std::strtol(arg.c_str(), nullptr, 10);
  if (name == "sandbox") {
    tell("OK sandbox uid=%u namespaces=%d landlock_abi=%d seccomp=%d", spec.uid, rep.namespaces,
         rep.landlock_abi, rep.seccomp);
    return 0;
  }
  if (name == "rlimits") {
    rlimit nofile{}, nproc{}, fsize{}, core{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || getrlimit(RLIMIT_NPROC, &nproc) != 0 ||
        getrlimit(RLIMIT_FSIZE, &fsize) != 0 || getrlimit(RLIMIT_CORE, &core) != 0) {
      tell("BLOCKED %s (getrlimit)", errname(errno));
      return 0;
    }
    // Soft and hard limits alike: the soft one is what applies now, the
    // hard one what the child could raise it to.
    tell("OK rlimits nofile=%llu/%llu nproc=%llu/%llu fsize=%llu/%llu core=%llu/%llu",
         static_cast<unsigned long long>(nofile.rlim_cur), static_cast<unsigned long long>(nofile.rlim_max),
         static_cast<unsigned long long>(nproc.rlim_cur), static_cast<unsigned long long>(nproc.rlim_max),
         static_cast<unsigned long long>(fsize.rlim_cur), static_cast<unsigned long long>(fsize.rlim_max),
         static_cast<unsigned long long>(core.rlim_cur), static_cast<unsigned long long>(core.rlim_max));
    return 0;
  }
  if (name == "dup") return result(dup(kClientFd), "opened a fourth descriptor");
  if (name == "read-file") {
    free_slot();
    const int fd = open(arg.c_str(), O_RDONLY);
    char b[64];
    return result(fd < 0 ? -1 : read(fd, b, sizeof b), "opened and read the file");
  }
  if (name == "getrandom") {
    unsigned char b[16];
    const ssize_t n = getrandom(b, sizeof b, 0);
    if (n == static_cast<ssize_t>(sizeof b)) tell("OK getrandom");
    else tell("BLOCKED %s (getrandom must work)", errname(errno));
    return 0;
  }
  if (name == "shadow") {
    free_slot();
    const int fd = open("/etc/shadow", O_RDONLY);
    char b[64];
    return result(fd < 0 ? -1 : read(fd, b, sizeof b), "opened and read /etc/shadow");
  }
  if (name == "socket") {
    free_slot();
    return result(socket(AF_INET, SOCK_STREAM, 0), "created an AF_INET socket");
  }
  if (name == "connect") {
    // A socket in the empty network namespace reaches nothing by itself
    // (the "socket" attempt is for seccomp); what counts is the connect.
    free_slot();
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return result(-1, "");
    const sockaddr_in a = loopback(static_cast<int>(num));
    if (connect(s, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
      tell("ESCAPED connected to 127.0.0.1:%ld", num);
      return 1;
    }
    tell("BLOCKED %s (connect, after socket worked)", errname(errno));
    return 0;
  }
  if (name == "connect-fd0") {
    // The client socket is already connected: success would mean a
    // reconnect of the one network descriptor the child holds.
    const sockaddr_in a = loopback(static_cast<int>(num));
    return result(connect(kClientFd, reinterpret_cast<const sockaddr*>(&a), sizeof a),
                  "reconnected the client socket");
  }
  if (name == "execve") {
    char* const av[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("true"),
                        nullptr};
    char* const ev[] = {nullptr};
    return result(execve("/bin/sh", av, ev), "execve returned?");
  }
  if (name == "fork") {
    const pid_t p = fork();
    if (p == 0) _exit(0);
    return result(p, "forked a child");
  }
  if (name == "write-file") {
    free_slot();
    const int fd = open(arg.empty() ? "/lpsshd-escape-probe" : arg.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL, 0600);
    return result(fd < 0 ? -1 : write(fd, "x", 1), "created and wrote a file");
  }
  if (name == "rlimit-nofile" || name == "rlimit-nproc") {
    rlimit rl{4096, 4096};
    return result(setrlimit(name == "rlimit-nofile" ? RLIMIT_NOFILE : RLIMIT_NPROC, &rl),
                  "raised a resource limit");
  }
  if (name == "proc-environ") {
    free_slot();
    const int fd = open("/proc/1/environ", O_RDONLY);
    char b[64];
    return result(fd < 0 ? -1 : read(fd, b, sizeof b), "read /proc/1/environ");
  }
  if (name == "ptrace") {
    const long rc = ptrace(PTRACE_ATTACH, static_cast<pid_t>(num), nullptr, nullptr);
    if (rc == 0) ptrace(PTRACE_DETACH, static_cast<pid_t>(num), nullptr, nullptr);
    return result(rc, "attached to the sibling");
  }
  if (name == "kill") return result(kill(static_cast<pid_t>(num), SIGKILL), "killed the sibling");
  if (name == "vm-readv") {
    // arg: PID:ADDRESS (hex) of a readable mapping of the sibling.
    const auto colon = arg.find(':');
    const unsigned long addr =
        colon == std::string::npos ? 0 : std::strtoul(arg.c_str() + colon + 1, nullptr, 16);
    char b[64];
    iovec local{b, sizeof b}, remote{reinterpret_cast<void*>(addr), sizeof b};
    return result(process_vm_readv(static_cast<pid_t>(num), &local, 1, &remote, 1, 0),
                  "read the sibling's memory");
  }
  if (name == "mmap-exec") {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return result(p == MAP_FAILED ? -1 : 0, "mapped executable memory");
  }
  tell("ERROR unknown attempt %s", name.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Exactly the real child's parsing and sandbox set-up.
  preauth::SandboxSpec spec;
  if (!preauth::parse_sandbox_args(argc, argv, spec)) return 2;
  preauth::SandboxReport rep;
  if (const std::string e = preauth::enter_sandbox(spec, &rep); !e.empty()) {
    tell("SANDBOX-FAILED %s", e.c_str());
    return 3;
  }

  // From here on: a compromised child. The monitor's HELLO is left unread.
  const std::string line = read_line();
  if (line.rfind("ATTEMPT ", 0) != 0) {
    tell("ERROR expected ATTEMPT <name> [arg]");
    return 2;
  }
  std::string rest = line.substr(8), arg;
  const auto sp = rest.find(' ');
  if (sp != std::string::npos) {
    arg = rest.substr(sp + 1);
    rest.resize(sp);
  }
  return attempt(rest, arg, spec, rep);
}
