// Glob-style patterns as sshd uses them: '*' matches any run of characters,
// '?' exactly one. Used for authorized_keys from= host patterns (case-
// insensitive) and AcceptEnv (case-sensitive). Pure functions.
#pragma once

#include <string_view>
#include <vector>
#include <string>

namespace lpsshd::pattern {

// O(len(pattern) * len(text)) at worst: no exponential backtracking.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case = true);

// True if text matches any of the patterns (case-sensitive).
bool match_any(const std::vector<std::string>& patterns, std::string_view text);

}  // namespace lpsshd::pattern
