#include "preauth/landlock.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <cerrno>
#include <cstring>

namespace lpsshd::preauth {

namespace {
// The kernel's uapi, spelled out because Debian 12's headers stop at ABI 2.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};
constexpr uint32_t kCreateRulesetVersion = 1u << 0;

// Access rights by the ABI version that introduced them.
constexpr uint64_t kFsAbi1 = (1ull << 13) - 1;  // EXECUTE .. MAKE_SYM
constexpr uint64_t kFsRefer = 1ull << 13;       // ABI 2
constexpr uint64_t kFsTruncate = 1ull << 14;    // ABI 3
constexpr uint64_t kFsIoctlDev = 1ull << 15;    // ABI 5
constexpr uint64_t kNetBindTcp = 1ull << 0;     // ABI 4
constexpr uint64_t kNetConnectTcp = 1ull << 1;  // ABI 4
constexpr uint64_t kScopeAbstractUnix = 1ull << 0;  // ABI 6
constexpr uint64_t kScopeSignal = 1ull << 1;        // ABI 6
constexpr int kNewestKnownAbi = 7;
}  // namespace

LandlockRights landlock_rights_for_abi(int abi) {
  LandlockRights r;
  if (abi < 1) return r;
  r.fs = kFsAbi1;
  r.attr_size = sizeof(uint64_t);
  if (abi >= 2) r.fs |= kFsRefer;
  if (abi >= 3) r.fs |= kFsTruncate;
  if (abi >= 4) {
    r.net = kNetBindTcp | kNetConnectTcp;
    r.attr_size = 2 * sizeof(uint64_t);
  }
  if (abi >= 5) r.fs |= kFsIoctlDev;
  if (abi >= 6) {
    r.scoped = kScopeAbstractUnix | kScopeSignal;
    r.attr_size = sizeof(RulesetAttr);
  }
  return r;  // ABI 7 added audit logging flags, no new rights
}

int landlock_abi() {
  const long v = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  return v < 0 ? 0 : static_cast<int>(v);
}

int landlock_abi_to_apply(int max_abi) {
  return std::max(0, std::min({landlock_abi(), max_abi, kNewestKnownAbi}));
}

namespace {
struct PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));
constexpr int kRulePathBeneath = 1;

int restrict_self(int abi, const std::function<bool(int ruleset)>& add_rules, std::string& error) {
  const LandlockRights r = landlock_rights_for_abi(abi);
  RulesetAttr attr{r.fs, r.net, r.scoped};
  const long fd = syscall(SYS_landlock_create_ruleset, &attr, r.attr_size, 0);
  if (fd < 0) {
    error = std::string("landlock_create_ruleset: ") + std::strerror(errno);
    return -1;
  }
  if (!add_rules(static_cast<int>(fd))) {
    error = std::string("landlock_add_rule: ") + std::strerror(errno);
    close(static_cast<int>(fd));
    return -1;
  }
  const long rc = syscall(SYS_landlock_restrict_self, fd, 0);
  close(static_cast<int>(fd));
  if (rc != 0) {
    error = std::string("landlock_restrict_self: ") + std::strerror(errno);
    return -1;
  }
  return abi;
}
}  // namespace

int apply_landlock_beneath(int max_abi, int dir_fd, uint64_t allowed_fs, std::string& error) {
  const int abi = landlock_abi_to_apply(max_abi);
  if (abi <= 0) return 0;
  const uint64_t allowed = allowed_fs & landlock_rights_for_abi(abi).fs;
  return restrict_self(abi, [&](int ruleset) {
    if (allowed == 0) return true;  // nothing granted: deny all
    PathBeneathAttr rule{allowed, dir_fd};
    return syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0) == 0;
  }, error);
}

int apply_landlock_deny_all(int max_abi, std::string& error) {
  const int abi = landlock_abi_to_apply(max_abi);
  if (abi <= 0) return 0;
  // No rules are added: every handled right is denied everywhere.
  return restrict_self(abi, [](int) { return true; }, error);
}

}  // namespace lpsshd::preauth
