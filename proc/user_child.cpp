#include "proc/user_child.h"

#include <grp.h>

#include <algorithm>

namespace lpsshd::proc {

bool prepare_user_child(const std::string& user, gid_t gid, rlim_t core_soft) {
  rlimit core;
  if (getrlimit(RLIMIT_CORE, &core) == 0) {
    core.rlim_cur = std::min(core_soft, core.rlim_max);
    setrlimit(RLIMIT_CORE, &core);
  }
  return initgroups(user.c_str(), gid) == 0;
}

}  // namespace lpsshd::proc
