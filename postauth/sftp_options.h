// The options of internal-sftp, as OpenSSH's sftp-server takes them
// (sftp-server(8)): -d start_dir, -e, -f facility, -l level, -P denylist,
// -p allowlist, -R, -u umask. Pure: parsing and %-token expansion make no
// system calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lpsshd::postauth::sftp {

struct SftpOptions {
  bool read_only = false;                  // -R: every writing request refused
  std::optional<unsigned> umask;           // -u: octal, at most 0777
  std::string start_dir;                   // -d, unexpanded (%d %u %%); empty: home
  std::string log_level = "INFO";          // -l, accepted and upper-cased
  std::string log_facility = "AUTH";       // -f, accepted and upper-cased
  bool log_stderr = false;                 // -e, accepted
  std::vector<std::string> denied;         // -P: request names (sftp-server -Q requests)
  std::optional<std::vector<std::string>> allowed;  // -p: only these
  // Not options of the command line: set by the session from the grant.
  // SftpRoot: Landlock confines file contents to this directory but not
  // metadata (it has no right for chmod, chown or utimes), so the server
  // changes metadata only of what it resolves beneath it. Empty: no jail.
  std::string jail_root;
  // SftpRootMode upload-only: files are written only when this server
  // creates them (what exists is never truncated, overwritten or resized).
  bool upload_only = false;
};

// `command` is the command line of the subsystem or ForceCommand, starting
// with the program name ("internal-sftp -R -d /srv/%u"); words are split on
// blanks, and single or double quotes group a word, as sshd's argv_split
// does. Returns nullopt with `error` set for an unknown option, a missing
// argument, a bad umask, level or facility, an unknown request name in -P/-p,
// an unknown %-token in -d, a second -P or -p, or a stray word.
std::optional<SftpOptions> parse_internal_sftp_args(std::string_view command,
                                                     std::string& error);

// -d's tokens: %d the home directory, %u the user name, %% a percent sign.
// The input has been checked by parse_internal_sftp_args.
std::string expand_start_dir(std::string_view raw, std::string_view home, std::string_view user);

// Whether -P / -p let the request named `name` through.
bool request_permitted(const SftpOptions& o, std::string_view name);

}  // namespace lpsshd::postauth::sftp
