// The part of starting a user's postauth child that its parent does after
// fork and before exec, the same whether the parent is the monitor or the
// PAM helper: the user's core-dump soft limit back (the daemon runs with 0,
// it holds keys) and the user's supplementary groups. The ids are changed
// later by the child itself (postauth/privilege_drop.h).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <string>

namespace lpsshd::proc {

// False if initgroups failed; the child must then not start.
bool prepare_user_child(const std::string& user, gid_t gid, rlim_t core_soft);

}  // namespace lpsshd::proc
