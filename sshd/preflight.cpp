#include "sshd/preflight.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto/host_key_file.h"
#include "transport/algorithms.h"
#include "monitor/protocol.h"
#include "postauth/sftp_options.h"
#include "preauth/landlock.h"
#include "proc/spawn.h"
#include "sshd/pam_service.h"

namespace lpsshd::sshd {

namespace {
std::string check_chroot_dir(const std::string& dir) {
  struct stat st;
  const std::string fix = " (fix: install -d -m 755 -o root -g root " + dir + ")";
  if (stat(dir.c_str(), &st) != 0) return "Missing privilege separation directory: " + dir + fix;
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory" + fix;
  if (st.st_uid != 0 || (st.st_mode & 022) != 0)
    return dir + " must be owned by root and not group or world-writable" + fix;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return "cannot read " + dir + ": " + std::strerror(errno);
  size_t entries = 0;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++entries;
  }
  closedir(d);
  if (entries != 0) return dir + " must be empty: the preauth child is chrooted there";
  return "";
}

std::string check_preauth_user(const std::string& name) {
  struct passwd* pw = getpwnam(name.c_str());
  const std::string fix = " (fix: useradd --system --no-create-home --home-dir /nonexistent "
                          "--shell /usr/sbin/nologin " + name + ", or run lpsshd -A)";
  if (pw == nullptr) return "Privilege separation user " + name + " does not exist" + fix;
  if (pw->pw_uid == 0 || pw->pw_gid == 0)
    return "Privilege separation user " + name + " must not have uid or gid 0";
  return "";
}

bool run_program(const std::vector<std::string>& argv) {
  proc::SpawnSpec spec;
  spec.path = argv[0];
  spec.argv = argv;
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  spec.fds = {0, 1, 2};
  const pid_t pid = proc::spawn(spec);
  if (pid < 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string make_parent_dirs(const std::string& path) {
  for (size_t pos = 1; (pos = path.find('/', pos)) != std::string::npos; ++pos) {
    const std::string dir = path.substr(0, pos);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      return "cannot create " + dir + ": " + std::strerror(errno);
  }
  return "";
}
}  // namespace

std::string preflight(const config::Config& cfg) {
  for (const char* helper : {"lpsshd-monitor", "lpsshd-preauth", "lpsshd-postauth", "lpsshd-pam"}) {
    const std::string path = proc::helper_path(helper);
    if (access(path.c_str(), X_OK) != 0)
      return "cannot find helper " + path + ": " + std::strerror(errno) +
             " (install with cmake --install, or run lpsshd from the build tree)";
  }
  if (auto e = check_preauth_user(cfg.preauth_user); !e.empty()) return e;
  if (auto e = check_chroot_dir(cfg.preauth_chroot); !e.empty()) return e;
  if (auto e = check_host_keys(cfg); !e.empty()) return e;
  if (cfg.use_pam && access(("/etc/pam.d/" + cfg.pam_service_name).c_str(), R_OK) != 0)
    return "UsePAM yes but /etc/pam.d/" + cfg.pam_service_name +
           " is missing (fix: lpsshd -A installs it, or set PAMServiceName)";
  return unsupported_settings(cfg);
}

std::string check_host_keys(const config::Config& cfg) {
  if (cfg.host_keys.empty())
    return "no host key available: none of the default HostKey files exists "
           "(fix: lpsshd -A creates them, or set HostKey)";
  // Each file on its own: owner root, no group or other access, no symlink.
  for (const auto& k : cfg.host_keys) {
    if (auto e = crypto::check_host_key_file(k); !e.empty())
      return e + (access(k.c_str(), F_OK) != 0 ? " (fix: lpsshd -A creates it)" : "");
  }
  return "";
}

std::string unsupported_settings(const config::Config& cfg) {
  return unsupported_settings(cfg, preauth::landlock_abi());
}

std::string unsupported_settings(const config::Config& cfg, int landlock_abi) {
  auto refuse = [](const char* what) {
    return std::string(what) + " is not supported by this version of lpsshd yet; "
                               "remove it from the configuration";
  };
  // Passwords and keyboard-interactive are only ever checked by PAM.
  if ((cfg.password_authentication || cfg.kbd_interactive_authentication) && !cfg.use_pam)
    return "PasswordAuthentication and KbdInteractiveAuthentication need UsePAM yes";
  // internal-sftp's options are checked now, not at the first login.
  auto sftp_options = [](const std::string& where, const std::string& command) -> std::string {
    std::string error;
    if (monproto::is_internal_sftp(command) &&
        !postauth::sftp::parse_internal_sftp_args(command, error))
      return where + ": " + error;
    return "";
  };
  for (const auto& sub : cfg.subsystems)
    if (auto e = sftp_options("Subsystem " + sub.name, sub.command); !e.empty()) return e;
  if (auto e = sftp_options("ForceCommand", cfg.force_command); !e.empty()) return e;
  // SftpRoot is a Landlock jail or nothing: never unconfined.
  if (!cfg.sftp_root.empty() && landlock_abi == 0)
    return "SftpRoot needs Landlock, which this kernel does not offer (or it is disabled)";
  if (cfg.client_alive_interval != 0) return refuse("ClientAliveInterval");
  // RequirePQKex with no post-quantum method left would refuse everyone.
  if (cfg.require_pq_kex) {
    bool any = false;
    for (const auto& name : cfg.kex_algorithms)
      if (const auto* row = transport::find_kex(name); row && row->post_quantum) any = true;
    std::string methods;
    for (const auto& row : transport::kKexAlgorithms)
      if (row.post_quantum) methods += (methods.empty() ? "" : ", ") + std::string(row.name);
    if (!any) return "RequirePQKex yes, but KexAlgorithms lists no post-quantum method (" + methods + ")";
  }
  return "";
}

std::string setup_system(const config::Config& cfg) {
  if (getpwnam(cfg.preauth_user.c_str()) == nullptr) {
    if (!run_program({"/usr/sbin/useradd", "--system", "--no-create-home", "--home-dir",
                      "/nonexistent", "--shell", "/usr/sbin/nologin", cfg.preauth_user}))
      return "useradd " + cfg.preauth_user + " failed";
  }
  struct stat st;
  if (stat(cfg.preauth_chroot.c_str(), &st) != 0) {
    if (auto e = make_parent_dirs(cfg.preauth_chroot); !e.empty()) return e;
    if (mkdir(cfg.preauth_chroot.c_str(), 0755) != 0)
      return "cannot create " + cfg.preauth_chroot + ": " + std::strerror(errno);
  }
  const std::string pam_file = "/etc/pam.d/" + cfg.pam_service_name;
  if (access(pam_file.c_str(), F_OK) != 0) {
    FILE* f = std::fopen(pam_file.c_str(), "wx");
    if (f == nullptr) return "cannot create " + pam_file + ": " + std::strerror(errno);
    std::fputs(kPamServiceFile, f);
    std::fclose(f);
  }
  for (const auto& k : cfg.host_keys) {
    if (access(k.c_str(), F_OK) == 0) continue;
    if (auto e = make_parent_dirs(k); !e.empty()) return e;
    if (auto e = crypto::generate_host_key(k, host_key_type_to_create(k)); !e.empty()) return e;
  }
  return "";
}

transport::KeyType host_key_type_to_create(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.find("ecdsa") != std::string::npos) return transport::KeyType::kEcdsaP256;
  if (name.find("rsa") != std::string::npos) return transport::KeyType::kRsa;
  return transport::KeyType::kEd25519;
}

std::vector<std::string> usable_host_keys(const config::Config& cfg,
                                          const std::vector<std::string>& defaults,
                                          std::vector<std::string>& skipped) {
  if (cfg.host_keys != defaults) return cfg.host_keys;
  std::vector<std::string> keep;
  for (const auto& k : cfg.host_keys) {
    struct stat st;
    if (lstat(k.c_str(), &st) != 0 && errno == ENOENT) {
      skipped.push_back("Unable to load host key " + k +
                        ": No such file or directory (skipped; lpsshd -A creates it)");
      continue;
    }
    keep.push_back(k);
  }
  return keep;
}

}  // namespace lpsshd::sshd
