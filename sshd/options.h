// The listener's command line, in the shape OpenSSH admins know:
//   -D foreground   -e log to stderr   -f CONFIG   -p PORT   -h HOSTKEY
//   -o Keyword=value   -t test config and keys, then exit
//   -A create what the daemon needs if missing (host key, preauth user,
//      chroot directory), then exit
#pragma once

#include <string>
#include <vector>

namespace lpsshd::sshd {

struct Options {
  bool foreground = false;
  bool log_stderr = false;
  bool test_only = false;
  bool setup = false;
  std::string config_path;         // empty: the default, which may be missing
  std::vector<std::string> overrides;  // -o, -p and -h as "Keyword value" lines, in order
};

// Parses argv. On error returns false with a usage message in error.
bool parse_options(int argc, char** argv, Options& out, std::string& error);

}  // namespace lpsshd::sshd
