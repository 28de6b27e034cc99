// lpsshd-monitor: one per connection, root, the only privileged actor.
//
// Descriptors from the listener: 0 the client socket, 1 /dev/null, 2 the log
// (the listener's stderr with -e, else /dev/null), 3 the effective
// configuration as text, and with -N 4 and 5, the empty network and mount
// namespaces the preauth child joins. It loads the host key, starts the preauth child,
// answers its requests through MonitorCore, starts the postauth child as the
// user after authentication, and stays until the connection ends.
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "config/config.h"
#include "crypto/host_key_file.h"
#include "log/log.h"
#include "monitor/auth_delay.h"
#include "monitor/children.h"
#include "monitor/connection.h"
#include "monitor/listener_config.h"
#include "monitor/listener_protocol.h"
#include "monitor/monitor_core.h"
#include "monitor/settings_from_config.h"
#include "monitor/system_auth.h"
#include "proc/socket_address.h"

using namespace lpsshd;

namespace {

[[noreturn]] void die(const char* what) {
  log::error("fatal: %s", what);
  _exit(1);
}

monitor::Peer peer_of(int fd) {
  const auto a = proc::peer_address(fd);
  return monitor::Peer{a.text, a.port};
}

}  // namespace

int main(int argc, char** argv) {
  bool log_stderr = false, check_only = false;
  monitor::PreauthPlacement preauth;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-e") == 0) log_stderr = true;
    if (std::strcmp(argv[i], "-t") == 0) check_only = log_stderr = true;
    if (std::strcmp(argv[i], "-N") == 0) preauth.namespaces = true;
    if (std::strcmp(argv[i], "-U") == 0 && i + 1 < argc) preauth.uid = std::strtol(argv[++i], nullptr, 10);
  }
  if (sodium_init() < 0) die("libsodium initialisation failed");
  // Holds the host key: no core dumps, no ptrace by same-uid processes.
  prctl(PR_SET_DUMPABLE, 0);
  // Only the soft limit: the user's processes get the original back.
  rlimit core_limit{0, 0};
  getrlimit(RLIMIT_CORE, &core_limit);
  monitor::set_user_core_limit(core_limit.rlim_cur);
  rlimit no_core{0, core_limit.rlim_max};
  setrlimit(RLIMIT_CORE, &no_core);
  // A dying listener must not take sessions with it, so no PDEATHSIG here.

  config::Config cfg;
  log::init("lpsshd", log_stderr, log::Level::kInfo, LOG_AUTH);
  if (!monitor::read_listener_config(cfg)) die("bad configuration from listener");
  log::init("lpsshd", log_stderr, static_cast<log::Level>(cfg.log_level),
            monitor::syslog_facility(cfg.syslog_facility));

  std::string error;
  crypto::HostKeys host_keys;
  for (const auto& path : cfg.host_keys) {
    auto loaded = crypto::load_host_key(path, error);
    if (!loaded) {
      log::error("%s", error.c_str());
      return 1;
    }
    // One key per type: a second one would never be used (host_key_for()
    // takes the first), which is a configuration mistake worth refusing.
    for (size_t j = 0; j < host_keys.size(); ++j) {
      if (host_keys[j]->algorithms() == loaded->algorithms()) {
        log::error("host key %s: a key of the same type is already loaded from %s", path.c_str(),
                   cfg.host_keys[j].c_str());
        return 1;
      }
    }
    host_keys.push_back(std::move(loaded));
  }
  const monitor::Settings settings = monitor::settings_from_config(cfg);
  if (auto why = monitor::unusable_offer(host_keys, monitor::kex_policy(settings)); !why.empty()) {
    log::error("%s", why.c_str());
    return 1;
  }
  if (check_only) return 0;  // lpsshd -t, and the listener's start-up check
  auto peer = peer_of(listener_protocol::kClientFd);
  log::verbose("Connection from %s port %u", peer.address.c_str(), peer.port);

  monitor::SystemAuthBackend backend(cfg.authorized_keys_files, cfg.strict_modes, peer.address,
                                     monitor::access_rules_from_config(cfg));
  monitor::MonitorCore core(settings, host_keys, backend, peer);
  const auto delay_secret = monitor::failure_delay_secret(host_keys.front()->secret_material());
  return monitor::run_connection(cfg, core, peer, preauth, delay_secret);
}
