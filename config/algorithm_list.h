// One sshd_config algorithm list (Ciphers, MACs, KexAlgorithms,
// HostKeyAlgorithms, PubkeyAcceptedAlgorithms, CASignatureAlgorithms)
// resolved to the names lpsshd will use, as OpenSSH's sshd_config(5) reads
// it. Pure functions; internal to lpsshd_config.
//
// The value is one comma-separated list (no spaces), optionally led by an
// operator:
//   "a,b"   the list itself, replacing the default, in the order written;
//   "+a,b"  the default, then a and b where not already in it;
//   "^a,b"  a and b, then the default's names not already there;
//   "-a,b"  the default without a and b.
// Every entry may be a wildcard pattern ('*' any run, '?' one character),
// matched case-sensitively against the supported names and expanding to the
// matches in table order. Duplicates are dropped (the first place wins).
// In a "-" list an entry may be negated ("!name"): a default name is removed
// when some plain entry matches it and no negated entry does (OpenSSH's
// match_pattern_list). Elsewhere "!" is an error, as in OpenSSH.
//
// Deliberately stricter than OpenSSH in three ways, so an admin never
// believes in a list that is not in force: a literal name (no '*' or '?')
// lpsshd does not support is an error naming it, in every form including
// "-" (OpenSSH does not check "-" lists); an empty entry is an error
// (OpenSSH stops reading at one); a list that resolves to nothing is an
// error (OpenSSH quietly falls back to the default). A wildcard that matches
// nothing is accepted, so lines written for OpenSSH's larger set (such as
// "-*-cbc" or "+*-cert-v01@openssh.com") still load.
//
// Wildcards for Ciphers, MACs and KexAlgorithms in plain, "+" and "^" lists
// are an extension: OpenSSH 9.x rejects them there, accepts them in "-".
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/algorithms.h"

namespace lpsshd::config {

// Work bounds: a value is at most one 4096-byte config line anyway; these
// keep the error messages short and the matching trivially cheap.
inline constexpr size_t kMaxAlgorithmEntries = 64;
inline constexpr size_t kMaxAlgorithmEntryBytes = 128;

// Resolves `value` against `supported` (every name that may appear) and
// `defaults` (the list without configuration, a subset of supported). On
// success `out` is non-empty, duplicate-free and a subset of supported. On
// failure returns false and `why` says which entry and why, without any
// "file line N" prefix; `out` is then unspecified.
bool resolve_algorithm_list(std::string_view value,
                            std::span<const std::string_view> supported,
                            std::span<const std::string_view> defaults,
                            std::vector<std::string>& out, std::string& why);

// The same against transport/algorithms.h's table for `kind`.
bool resolve_algorithm_list(transport::AlgorithmKind kind, std::string_view value,
                            std::vector<std::string>& out, std::string& why);

// transport::default_algorithms(kind) as owned strings (Config's defaults).
std::vector<std::string> default_algorithm_names(transport::AlgorithmKind kind);

}  // namespace lpsshd::config
