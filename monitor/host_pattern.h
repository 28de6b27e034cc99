// Matching a client against an authorized_keys from="pattern-list".
// Pure functions, no system calls (no DNS: the caller passes the name it
// already resolved, or an empty string when it did not).
//
// The list is comma-separated. Each pattern is either
//   - a CIDR block "192.0.2.0/24" or "2001:db8::/32", matched against
//     client_ip only (host bits must be zero, as a typo guard); or
//   - a wildcard pattern ('*' any run, '?' one character), matched
//     case-insensitively against client_host and against client_ip.
// A leading '!' negates a pattern. Any matching negated pattern wins over all
// positive ones; a negated pattern alone never yields a match.
//
// Fail closed: one malformed CIDR pattern makes the whole list kNoMatch, and
// an empty pattern (",,") matches nothing.
#pragma once

#include <string_view>

#include "pattern/wildcard.h"

namespace lpsshd::authkeys {

enum class PatternMatch { kNoMatch, kMatch, kNegated };

PatternMatch match_host_patterns(std::string_view pattern_list, std::string_view client_ip,
                                 std::string_view client_host);

// '*' and '?' wildcard match, ASCII case-insensitive (pattern/wildcard.h).
using pattern::wildcard_match;

}  // namespace lpsshd::authkeys
