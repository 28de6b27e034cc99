// The keyword table: one row per supported keyword, naming the function that
// checks and stores its arguments and the one that writes it back out.
// Internal to lpsshd_config.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "config/config.h"

namespace lpsshd::config::detail {

// A line's arguments, and the same text as written (SplitLine::raw).
struct Args : std::span<const std::string> {
  Args(std::span<const std::string> args, std::string_view raw_text = {})
      : std::span<const std::string>(args), raw(raw_text) {}
  std::string_view raw;
};

struct Keyword {
  std::string_view name;  // canonical spelling, as serialized
  // Checks `args` and stores them. Scalars store only when `first` (first
  // value wins) but are checked every time; lists drop their built-in default
  // when `first`, then append. On failure `why` is the message without the
  // "ORIGIN line N: " prefix.
  bool (*apply)(std::string_view name, Args args, Config& cfg, bool first, std::string& why);
  // Appends the setting's lines (none when it has nothing to say, e.g. an
  // empty list whose default is empty).
  void (*emit)(std::string_view name, const Config& cfg, std::string& out);
};

// All rows, in serialization order; a row's index is its bit in Config::seen.
std::span<const Keyword> keyword_table();

// Case-insensitive lookup; aliases (ChallengeResponseAuthentication) resolve
// to their target's row so both share one "seen" bit. Null when unsupported.
const Keyword* find_keyword(std::string_view name);

// True for keywords OpenSSH accepts that lpsshd refuses to ignore.
bool is_unsupported_keyword(std::string_view name);

}  // namespace lpsshd::config::detail
