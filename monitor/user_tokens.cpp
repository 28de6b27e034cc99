#include "monitor/user_tokens.h"

namespace lpsshd::monitor {

std::string expand_user_tokens(const std::string& pattern, const UserInfo& user) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i == pattern.size()) return "";
    switch (pattern[i]) {
      case '%': out += '%'; break;
      case 'h': out += user.home; break;
      case 'u': out += user.name; break;
      case 'U': out += std::to_string(user.uid); break;
      default: return "";
    }
  }
  return out;
}

}  // namespace lpsshd::monitor
