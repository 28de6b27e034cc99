// Parsing ~/.ssh/authorized_keys lines (sshd(8) AUTHORIZED_KEYS FILE
// FORMAT): [options] keytype base64-key [comment]. Pure functions, no system
// calls: the monitor reads the file (with its ownership checks) and hands the
// bytes here; tests and fuzzers call these directly.
//
// Strictness: an unknown or malformed option, an unsupported key type, a
// blob that does not decode or whose structure does not fit its type makes
// the line invalid; invalid lines are skipped, as sshd does, and never match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lpsshd::authkeys {

inline constexpr size_t kMaxLineBytes = 8192;

// Effective options after processing left to right: "restrict" sets every
// no_* flag below (and restrict_all, so future restrictions can default on);
// a later positive option (pty, port-forwarding, ...) clears its flag again.
struct KeyOptions {
  bool restrict_all = false;
  bool no_pty = false;
  bool no_port_forwarding = false;
  bool no_agent_forwarding = false;
  bool no_x11_forwarding = false;
  bool no_user_rc = false;
  bool cert_authority = false;
  bool no_touch_required = false;
  bool verify_required = false;
  // Given at most once each (a second one invalidates the line). Values are
  // unquoted (\" -> ") and otherwise as written.
  std::optional<std::string> command;
  std::optional<std::string> from;         // pattern list: match_host_patterns()
  std::optional<std::string> expiry_time;  // YYYYMMDD[HHMM[SS]][Z], format-checked only
  std::optional<std::string> principals;
  std::optional<std::string> tunnel;       // a device number or "any"
  std::vector<std::string> environment;    // "NAME=value", NAME of [A-Za-z0-9_]
  std::vector<std::string> permitopen;     // "host:port" / "[v6]:port"; port may be "*"
  std::vector<std::string> permitlisten;   // "[host:]port"; port may be "*"
  friend bool operator==(const KeyOptions&, const KeyOptions&) = default;
};

struct AuthorizedKey {
  std::string key_type;       // e.g. "ssh-ed25519"
  std::vector<uint8_t> blob;  // the decoded public key, as the client sends it
  KeyOptions options;
  size_t line_number = 0;     // 1-based; set by find_authorized_key, 0 otherwise
};

// One line without its newline (a trailing '\r' is tolerated). Blank and '#'
// lines return false too, with error "blank or comment line".
bool parse_authorized_key_line(std::string_view line, AuthorizedKey& out, std::string& error);

// The first valid line whose blob equals `blob` byte for byte (blobs are
// public, so no constant-time compare). Lines marked cert-authority are
// skipped: a CA key authorizes certificates it signed, never logins with the
// CA key itself.
std::optional<AuthorizedKey> find_authorized_key(std::string_view contents,
                                                 std::span<const uint8_t> blob);

// A line that lists the key being searched for but cannot be used: its
// options do not parse (an option nobody knows, a bad value). The line is
// refused, never read as if the bad option were absent.
struct RefusedLine {
  size_t line_number = 0;
  std::string reason;
};

// As above, but a matching line is taken only when `acceptable` says so;
// otherwise the search goes on, as sshd does when a line's from= or
// expiry-time refuses the connection but a later line lists the key again.
// Lines with this key and options that do not parse are passed to `refused`
// (when given) so the caller can log file and line.
std::optional<AuthorizedKey> find_authorized_key(
    std::string_view contents, std::span<const uint8_t> blob,
    const std::function<bool(const AuthorizedKey&)>& acceptable,
    const std::function<void(const RefusedLine&)>& refused = nullptr);

// expiry-time="YYYYMMDD[HHMM[SS]][Z]" as seconds since the epoch: the first
// second after which the key is no longer valid. Without Z the time is the
// host's local time (as sshd reads it), with Z it is UTC. nullopt if the
// value is not a valid date.
std::optional<int64_t> expiry_time_seconds(std::string_view value);

}  // namespace lpsshd::authkeys
