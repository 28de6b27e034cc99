// lpsshd: the listener. Root, long-lived, and deliberately simple: it reads
// the configuration, checks that the system is ready, binds, and starts one
// lpsshd-monitor per connection. It never holds a host private key and never
// reads a byte a client sent.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sodium.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "config/config.h"
#include "log/log.h"
#include "preauth/landlock.h"
#include "proc/spawn.h"
#include "proc/unique_fd.h"
#include "sshd/listener.h"
#include "sshd/options.h"
#include "sshd/preflight.h"
#include "sshd/resources.h"
#include "sshd/sandbox_namespaces.h"

using namespace lpsshd;

namespace {
constexpr const char* kDefaultConfig = LPSSHD_SYSCONFDIR "/lpsshd_config";

// One start-up line naming the preauth child's layers, so a sandbox weaker
// than expected (no namespaces in a container, an old kernel without
// Landlock) is visible in the log and not only in a test.
void log_preauth_sandbox(const config::Config& cfg, bool namespaces) {
  const int abi = preauth::landlock_abi_to_apply(1000);
  const std::string fs = namespaces ? "namespaces (net, mount)"
                                    : "chroot " + cfg.preauth_chroot + " (no namespaces)";
  const std::string ll = abi > 0 ? "Landlock ABI " + std::to_string(abi) : "no Landlock";
  const std::string ids = cfg.preauth_uid_first != 0
                              ? "own uids " + std::to_string(cfg.preauth_uid_first) + "-" +
                                    std::to_string(cfg.preauth_uid_last)
                              : "shared user " + cfg.preauth_user;
  log::info("preauth sandbox: %s, %s, seccomp, rlimits, %s", fs.c_str(), ll.c_str(), ids.c_str());
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "lpsshd: %s\n", msg.c_str());
  return 1;
}

// The effective configuration as sealed, read-only shared memory: every
// monitor parses exactly what the listener parsed.
proc::UniqueFd config_memfd(const std::string& text) {
  proc::UniqueFd fd(memfd_create("lpsshd-config", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return fd;
  if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return {};
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
    return {};
  return fd;
}

// Parses the host keys in a short-lived monitor process, so that even for
// -t the listener's own memory never holds a private key.
int check_keys_in_monitor(int config_fd) {
  proc::SpawnSpec spec;
  spec.path = proc::helper_path("lpsshd-monitor");
  spec.argv = {"lpsshd-monitor", "-t"};
  proc::UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  spec.fds = {devnull.get(), devnull.get(), STDERR_FILENO, config_fd};
  const pid_t pid = proc::spawn(spec);
  if (pid < 0) return 1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Enough descriptors for MaxStartups unauthenticated connections and the
// monitors (sshd/resources.h): what is open now, plus the listen sockets
// still to be opened.
std::string check_descriptors(const config::Config& cfg) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return "";
  uint64_t open_now = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++open_now;
    closedir(d);
    --open_now;  // the directory's own descriptor
  } else {
    return "";  // no /proc: nothing to count with
  }
  return sshd::check_descriptor_limit(cfg, open_now + sshd::listen_socket_count(cfg), rl.rlim_cur);
}

void daemonize() {
  if (fork() > 0) _exit(0);
  setsid();
  if (fork() > 0) _exit(0);
  if (chdir("/") != 0) _exit(1);
  const int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  if (null > 2) close(null);
}
}  // namespace

int main(int argc, char** argv) {
  sshd::Options opt;
  std::string error;
  if (!sshd::parse_options(argc, argv, opt, error)) return fail(error);
  if (sodium_init() < 0) return fail("libsodium initialisation failed");
  if (geteuid() != 0) return fail("must be run as root: it starts per-connection monitors "
                                  "that change credentials");

  config::Config cfg;
  for (const auto& o : opt.overrides)
    if (!config::parse_config_option(o, cfg, error)) return fail(error);
  const bool default_path = opt.config_path.empty();
  const std::string path = default_path ? kDefaultConfig : opt.config_path;
  if (!config::load_config_file(path, default_path, cfg, error)) return fail(error);

  if (opt.setup) {
    if (auto e = sshd::setup_system(cfg); !e.empty()) return fail(e);
    return 0;
  }
  std::vector<std::string> skipped_keys;
  cfg.host_keys = sshd::usable_host_keys(cfg, config::Config{}.host_keys, skipped_keys);
  // Said once: on stderr for -t, else in the log once it is set up.
  if (opt.test_only)
    for (const auto& line : skipped_keys) std::fprintf(stderr, "lpsshd: %s\n", line.c_str());
  if (auto e = sshd::preflight(cfg); !e.empty()) return fail(e);
  auto memfd = config_memfd(config::serialize_config(cfg));
  if (!memfd) return fail(std::string("cannot share configuration: ") + std::strerror(errno));
  // Before anything is spawned: below the limit, a spawn fails without a word.
  if (auto e = check_descriptors(cfg); !e.empty()) return fail(e);
  if (check_keys_in_monitor(memfd.get()) != 0) return 1;  // the monitor printed why
  if (opt.test_only) return 0;

  const bool to_stderr = opt.log_stderr;
  static constexpr int kFacility[] = {LOG_DAEMON, LOG_USER, LOG_AUTH, LOG_AUTHPRIV, LOG_LOCAL0,
                                      LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
                                      LOG_LOCAL6, LOG_LOCAL7};
  log::init("lpsshd", to_stderr, static_cast<log::Level>(cfg.log_level),
            kFacility[static_cast<int>(cfg.syslog_facility)]);
  for (const auto& line : skipped_keys) log::error("%s", line.c_str());
  std::vector<proc::UniqueFd> listeners;
  if (auto e = sshd::bind_listeners(cfg, listeners); !e.empty()) return fail(e);
  if (!opt.foreground) daemonize();
  if (!cfg.pid_file.empty()) {
    if (FILE* f = std::fopen(cfg.pid_file.c_str(), "w")) {
      std::fprintf(f, "%d\n", getpid());
      std::fclose(f);
    }
  }
  std::string ns_error;
  auto ns = sshd::create_sandbox_namespaces(ns_error);
  if (!ns) log::error("warning: preauth children run without empty namespaces: %s", ns_error.c_str());
  log_preauth_sandbox(cfg, ns.has_value());
  const int rc = sshd::serve(cfg, listeners, memfd.get(), to_stderr, ns ? ns->net.get() : -1,
                             ns ? ns->mnt.get() : -1);
  if (rc == 1) {
    // SIGHUP: start afresh with the same arguments, re-reading the config.
    listeners.clear();
    execv("/proc/self/exe", argv);
    return fail(std::string("re-exec failed: ") + std::strerror(errno));
  }
  if (!cfg.pid_file.empty()) unlink(cfg.pid_file.c_str());
  return 0;
}
