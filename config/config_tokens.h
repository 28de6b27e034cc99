// Splitting one configuration line into keyword and arguments, and the
// inverse quoting used by serialize_config. Internal to lpsshd_config.
//
// Grammar: leading whitespace; the keyword runs to whitespace or '='; then
// optional whitespace, at most one '=', optional whitespace; then arguments
// separated by whitespace. A '"' anywhere in an argument toggles quoting
// (whitespace inside quotes belongs to the argument); \" and \\ stand for "
// and \ everywhere; any other backslash is literal. An unquoted argument that
// starts with '#' ends the line (trailing comment).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lpsshd::config::detail {

struct SplitLine {
  std::string keyword;  // empty for blank and comment lines
  std::vector<std::string> args;
  // The line after the keyword and its separator, as written (quotes and
  // backslashes kept, surrounding whitespace trimmed): ForceCommand takes
  // its command this way, as sshd does, so the shell sees the admin's quoting.
  std::string raw;
};

// False, with `why` set, on an unterminated quote or a line that starts
// with '='.
bool split_line(std::string_view line, SplitLine& out, std::string& why);

// Appends `arg` so that split_line reads it back as exactly one argument,
// never longer than the shortest input that yields the same argument (so a
// serialized line stays within the parser's line limit).
void append_arg(std::string& out, std::string_view arg);

// "Keyword arg1 arg2..." plus newline, each argument through append_arg. A
// first argument starting with '=' is protected by writing "Keyword==arg".
void append_line(std::string& out, std::string_view keyword,
                 const std::vector<std::string_view>& args);

}  // namespace lpsshd::config::detail
