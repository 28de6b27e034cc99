// sshd_config's per-user tokens in paths (AuthorizedKeysFile,
// ChrootDirectory, SftpRoot): %% a percent sign, %h the home directory, %u
// the user name, %U the numeric uid. Pure.
#pragma once

#include <string>

#include "monitor/auth_backend.h"

namespace lpsshd::monitor {

// The pattern with its tokens replaced; "" for an unknown or unfinished
// token (the config parser refuses those, so "" means no path at all).
std::string expand_user_tokens(const std::string& pattern, const UserInfo& user);

}  // namespace lpsshd::monitor
