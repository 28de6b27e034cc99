// The daemon's settings and the sshd_config-style parser that fills them.
//
// Grammar (as sshd_config(5)): one "Keyword arguments" or "Keyword=arguments"
// per line; keywords are case-insensitive; blank lines and lines starting with
// '#' are ignored, as is anything after an unquoted argument starting with '#'.
// Arguments are separated by whitespace and may be double-quoted; inside an
// argument \" and \\ stand for " and \.
//
// Precedence: for each keyword the FIRST value obtained wins, so -o options
// (applied first) override the file. List keywords (Port, ListenAddress,
// HostKey, AcceptEnv, Subsystem, Allow/Deny Users/Groups) instead accumulate:
// their first line replaces the built-in default, later lines append.
//
// Deny by default: every keyword OpenSSH knows but lpsshd does not implement
// (Match, Include, PermitTunnel, ...) is an error, never silently
// ignored, so an admin cannot believe a restriction is in force when it is not.
//
// Errors are "ORIGIN line N: message", ORIGIN being the file path or
// "command-line" (line 0, like OpenSSH, for -o options).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/algorithm_list.h"

namespace lpsshd::config {

enum class PermitRootLogin { kYes, kNo, kProhibitPassword, kForcedCommandsOnly };

enum class TcpForwarding { kYes, kNo, kLocal, kRemote };  // AllowTcpForwarding, AllowStreamLocalForwarding
enum class GatewayPorts { kNo, kYes, kClientSpecified };
enum class SftpRootMode { kReadWrite, kReadOnly, kUploadOnly };  // SftpRootMode

enum class LogLevel { kQuiet, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };

enum class SyslogFacility {
  kDaemon, kUser, kAuth, kAuthPriv,
  kLocal0, kLocal1, kLocal2, kLocal3, kLocal4, kLocal5, kLocal6, kLocal7,
};

struct Subsystem {
  std::string name;
  std::string command;  // run through the user's shell, arguments joined by single spaces
  friend bool operator==(const Subsystem&, const Subsystem&) = default;
};

// Upper bound on the number of keyword rows; checked at compile time against
// the table in config_keywords.cpp.
inline constexpr size_t kMaxKeywords = 96;

// Which keywords already received a value. Pure bookkeeping for
// first-value-wins, not a setting: it compares equal always, so two Configs
// with the same settings are equal however they were obtained (this is what
// makes serialize_config round-trip).
struct KeywordsSeen {
  std::bitset<kMaxKeywords> bits;
  friend bool operator==(const KeywordsSeen&, const KeywordsSeen&) { return true; }
};

// MaxStartups start:rate:full (random early drop of unauthenticated
// connections, sshd_config(5)).
struct MaxStartups {
  int start = 10, rate = 30, full = 100;
  friend bool operator==(const MaxStartups&, const MaxStartups&) = default;
};

// PerSourcePenalties: seconds of refusal a source earns for how its
// connections end, capped at max; none are applied below min.
struct Penalties {
  bool enabled = true;
  uint32_t crash = 90, authfail = 5, noauth = 1, grace_exceeded = 10, max = 600, min = 15;
  friend bool operator==(const Penalties&, const Penalties&) = default;
};

struct Config {
  std::vector<uint16_t> ports{22};
  // "host", "host:port", "[v6addr]:port" or a bare IPv6 address; empty means
  // 0.0.0.0 and :: on every port in `ports`.
  std::vector<std::string> listen_addresses;
  // Absolute paths. Of the built-in default, files that do not exist are
  // skipped (sshd/preflight.h usable_host_keys); `lpsshd -A` creates both.
  std::vector<std::string> host_keys{"/etc/lpsshd/ssh_host_ed25519_key",
                                     "/etc/lpsshd/ssh_host_rsa_key"};
  uint32_t login_grace_time = 120;  // seconds; 0 = no limit
  int max_auth_tries = 6;           // >= 1
  int max_sessions = 10;            // >= 0
  bool pubkey_authentication = true;
  bool strict_modes = true;
  // Patterns with %% %h %u %U, relative ones to the user's home directory.
  // Empty = "none": no authorized_keys file is read.
  std::vector<std::string> authorized_keys_files{".ssh/authorized_keys"};
  PermitRootLogin permit_root_login = PermitRootLogin::kProhibitPassword;
  bool password_authentication = false;
  bool kbd_interactive_authentication = false;
  bool use_pam = false;
  std::string pam_service_name = "lpsshd";  // the /etc/pam.d file lpsshd uses
  bool permit_empty_passwords = false;
  LogLevel log_level = LogLevel::kInfo;
  SyslogFacility syslog_facility = SyslogFacility::kAuth;
  std::string preauth_user = "lpsshd";         // unprivileged user of the preauth child
  std::string preauth_chroot = "/var/empty";   // its empty, root-owned chroot directory
  std::vector<std::string> accept_env;         // patterns; no '='
  bool tcp_keep_alive = true;
  uint32_t client_alive_interval = 0;  // seconds; 0 = off
  int client_alive_count_max = 3;
  std::string pid_file;  // empty = none
  bool print_motd = true;
  bool print_last_log = true;
  // Names are unique. Built in: sftp served in-process (replaced by the
  // first Subsystem line).
  std::vector<Subsystem> subsystems{{"sftp", "internal-sftp"}};
  std::vector<std::string> allow_users, deny_users, allow_groups, deny_groups;

  // What logins may do. Each login's grant record (monitor/grant.h) merges
  // these with its authorized_keys options: the most restrictive wins.
  bool permit_tty = true;
  std::string force_command;  // empty = none
  std::vector<std::string> permit_user_environment;  // name patterns; empty = "no"
  TcpForwarding allow_tcp_forwarding = TcpForwarding::kYes;
  bool allow_agent_forwarding = true;
  TcpForwarding allow_streamlocal_forwarding = TcpForwarding::kYes;
  // PermitOpen / PermitListen entries as written ("any", "none",
  // host:port, [address]:port, and for PermitListen a bare port); empty
  // is the default "any".
  std::vector<std::string> permit_open, permit_listen;
  GatewayPorts gateway_ports = GatewayPorts::kNo;
  bool disable_forwarding = false;  // every kind of forwarding off, whatever else says
  uint32_t streamlocal_bind_mask = 0177;
  bool streamlocal_bind_unlink = false;
  bool x11_forwarding = false;
  bool permit_user_rc = true;
  // ChrootDirectory: "" = none; tokens %%, %h, %u, %U. Every component
  // must be root-owned and writable by nobody else (proc/root_owned_dir.h).
  std::string chroot_directory;
  // Beyond OpenSSH: SftpRoot confines logins to the in-process SFTP server
  // inside this directory (tokens as ChrootDirectory) with Landlock rather
  // than a root-owned chroot chain; "" = none. SftpRootMode limits what may
  // be done there.
  std::string sftp_root;
  SftpRootMode sftp_root_mode = SftpRootMode::kReadWrite;
  // Beyond OpenSSH: a key exchange right after authentication, so the
  // session runs on keys the preauth child never knew.
  bool rekey_after_auth = true;
  // Compression yes|delayed|no: offer zlib@openssh.com, which starts only
  // after authentication (in the postauth child); no: offer "none" only.
  bool compression = true;
  // RekeyLimit: bytes under one key (0 = the cipher's default) and seconds
  // (0 = none); the server starts a key exchange when either is reached.
  uint64_t rekey_limit_bytes = 0;
  uint32_t rekey_limit_seconds = 0;

  // Algorithm lists (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms,
  // PubkeyAcceptedAlgorithms, CASignatureAlgorithms) as resolved by
  // config/algorithm_list.h: never empty, only names lpsshd supports, in
  // preference order, so the serialized form is a plain list that parses
  // back to the same. One line each; the first line wins.
  std::vector<std::string> ciphers = default_algorithm_names(transport::AlgorithmKind::kCipher);
  std::vector<std::string> macs = default_algorithm_names(transport::AlgorithmKind::kMac);
  std::vector<std::string> kex_algorithms = default_algorithm_names(transport::AlgorithmKind::kKex);
  std::vector<std::string> host_key_algorithms =
      default_algorithm_names(transport::AlgorithmKind::kHostKey);
  std::vector<std::string> pubkey_accepted_algorithms =
      default_algorithm_names(transport::AlgorithmKind::kPubkey);
  std::vector<std::string> ca_signature_algorithms =
      default_algorithm_names(transport::AlgorithmKind::kCaSignature);
  // RequiredRSASize: the smallest RSA modulus, in bits, accepted for user
  // keys (and CA keys). Stricter default than OpenSSH's 1024; below 1024 is
  // refused, as OpenSSH never accepts such keys whatever this says.
  int required_rsa_size = 2048;
  // RequirePQKex (lpsshd's own): offer and accept only post-quantum hybrid
  // key exchanges; a client that has none is refused with a message saying
  // so. Off by default, as a client without one (Debian 11's, PuTTY before
  // 0.78...) would be locked out.
  bool require_pq_kex = false;
  // PubkeyAuthOptions touch-required / verify-required: for FIDO keys, a
  // touch is required even where authorized_keys says no-touch-required;
  // user verification (a PIN) is required of every key.
  bool pubkey_touch_required = false;
  bool pubkey_verify_required = false;

  // Admission control in the listener, before any fork.
  MaxStartups max_startups;
  int per_source_max_startups = 10;  // 0 = none (unlimited); stricter than OpenSSH
  // An IPv6 /64 is one source: it is what one subscriber or host is given,
  // so a per-address limit would be no limit at all (OpenSSH: 32:128).
  int per_source_netblock_v4 = 32, per_source_netblock_v6 = 64;
  Penalties penalties;
  std::vector<std::string> penalty_exempt;  // addresses or CIDR blocks
  // Each preauth child gets a uid and gid of its own from this range
  // (OKWS-style); first = last = 0 means "use PreauthUser for all".
  uint32_t preauth_uid_first = 1879048192, preauth_uid_last = 1879113727;

  KeywordsSeen seen;

  friend bool operator==(const Config&, const Config&) = default;
};

// Applies `text` (a whole file's content, at most 1 MiB) on top of cfg. On
// error returns false and sets `error`; cfg may then hold part of the text's
// settings and must not be used.
bool parse_config_text(std::string_view text, std::string_view origin, Config& cfg,
                       std::string& error);

// One -o option, "Keyword=value" or "Keyword value". A line break in it is an
// error (one option is one line).
bool parse_config_option(std::string_view option, Config& cfg, std::string& error);

// Reads a regular file of at most 1 MiB and parses it. missing_ok: a file
// that does not exist is not an error and leaves cfg unchanged (defaults).
// The only function here that makes system calls.
bool load_config_file(const std::string& path, bool missing_ok, Config& cfg,
                      std::string& error);

// Text that parses back, into a fresh Config, to a Config equal to cfg: every
// setting, one canonical line each (lists: one line per item where the
// keyword takes one value per line). Meant for a Config that came from the
// parser; the listener hands it to per-connection processes.
std::string serialize_config(const Config& cfg);

}  // namespace lpsshd::config
