#include "config/config_keywords.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "config/algorithm_list.h"
#include "config/config_tokens.h"
#include "config/config_values.h"

namespace lpsshd::config::detail {
namespace {

// ---- Messages -------------------------------------------------------------

bool arity(Args args, size_t min, size_t max, std::string& why) {
  if (args.size() < min) {
    why = "missing argument";
    return false;
  }
  if (args.size() > max) {
    why = "too many arguments";
    return false;
  }
  return true;
}

bool invalid(std::string_view name, std::string_view value, std::string_view hint,
             std::string& why) {
  why = "invalid value for ";
  why += name;
  why += ": ";
  why += value;
  if (!hint.empty()) {
    why += " (";
    why += hint;
    why += ')';
  }
  return false;
}

void emit_one(std::string& out, std::string_view name, std::string_view value) {
  append_line(out, name, {value});
}

// ---- Codecs: parse one argument into a field type, and format it back ----

struct YesNo {
  using T = bool;
  static constexpr std::string_view hint = "yes or no";
  static bool parse(std::string_view s, T& v) { return parse_yes_no(s, v); }
  static std::string format(T v) { return v ? "yes" : "no"; }
};

struct Seconds {
  using T = uint32_t;
  static constexpr std::string_view hint = "a time such as 90, 2m or 1h30m";
  static bool parse(std::string_view s, T& v) { return parse_time(s, v); }
  static std::string format(T v) { return std::to_string(v); }
};

template <int Min, int Max>
struct Int {
  using T = int;
  static constexpr std::string_view hint = "out of range or not a number";
  static bool parse(std::string_view s, T& v) { return parse_int(s, Min, Max, v); }
  static std::string format(T v) { return std::to_string(v); }
};

struct Port {
  using T = uint16_t;
  static constexpr std::string_view hint = "a port 1-65535";
  static bool parse(std::string_view s, T& v) { return parse_port(s, v); }
  static std::string format(T v) { return std::to_string(v); }
};

template <class E>
struct Named {
  std::string_view name;
  E value;
};

// The first row for a value is its canonical spelling; later rows are aliases.
template <class E, const auto& Names>
struct Enum {
  using T = E;
  static constexpr std::string_view hint = "not one of the allowed words";
  static bool parse(std::string_view s, T& v) {
    for (const auto& n : Names)
      if (iequals(s, n.name)) {
        v = n.value;
        return true;
      }
    return false;
  }
  static std::string format(T v) {
    for (const auto& n : Names)
      if (n.value == v) return std::string(n.name);
    return "?";  // unreachable for values the parser produced
  }
};

// Text fields that are stored as written once a predicate accepts them.
template <bool (*Valid)(std::string_view), const std::string_view& Hint>
struct Checked {
  using T = std::string;
  static constexpr std::string_view hint = Hint;
  static bool parse(std::string_view s, T& v) {
    if (!Valid(s)) return false;
    v = s;
    return true;
  }
  static std::string format(const T& v) { return v; }
};

bool valid_chroot(std::string_view s) { return valid_absolute_path(s) && s != "/"; }
bool valid_env_pattern(std::string_view s) {
  return !s.empty() && s.find('=') == std::string_view::npos;
}
bool nonempty(std::string_view s) { return !s.empty(); }

constexpr std::string_view kAbsHint = "must be an absolute path";
constexpr std::string_view kChrootHint = "must be an absolute path other than /";
constexpr std::string_view kListenHint = "expected host, host:port or [address]:port";
constexpr std::string_view kUserHint = "not a valid user name";
constexpr std::string_view kEnvHint = "a variable name pattern without '='";
constexpr std::string_view kNoHint = "";

using AbsPath = Checked<valid_absolute_path, kAbsHint>;
using ChrootDir = Checked<valid_chroot, kChrootHint>;
using ListenAddr = Checked<valid_listen_address, kListenHint>;
using UserName = Checked<valid_user_name, kUserHint>;
using EnvPattern = Checked<valid_env_pattern, kEnvHint>;
using Word = Checked<nonempty, kNoHint>;

// PermitOpen / PermitListen entries: "any", "none", host:port or
// [address]:port with port a number or "*"; PermitListen also a bare port.
bool valid_forward_port(std::string_view p) {
  uint16_t port = 0;
  return p == "*" || parse_port(p, port);
}
bool valid_forward_entry(std::string_view s, bool bare_port) {
  if (s == "any" || s == "none") return true;
  std::string_view host, port;
  std::string_view forbidden = "[]:/ ";  // a bracketed address may hold ':'
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
    forbidden = "[]/ ";
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return bare_port && valid_forward_port(s);
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  return !host.empty() && host.find_first_of(forbidden) == std::string_view::npos &&
         valid_forward_port(port);
}
bool valid_permit_open(std::string_view s) { return valid_forward_entry(s, false); }
bool valid_permit_listen(std::string_view s) { return valid_forward_entry(s, true); }
constexpr std::string_view kPermitOpenHint = "any, none or host:port (port may be *)";
constexpr std::string_view kPermitListenHint = "any, none, port or host:port (port may be *)";
using PermitOpenEntry = Checked<valid_permit_open, kPermitOpenHint>;
using PermitListenEntry = Checked<valid_permit_listen, kPermitListenHint>;

// An octal file mode mask such as 0177 (StreamLocalBindMask).
struct OctalMask {
  using T = uint32_t;
  static constexpr std::string_view hint = "an octal mask such as 0177";
  static bool parse(std::string_view s, T& v) {
    if (s.empty() || s.size() > 4) return false;
    uint32_t m = 0;
    for (char c : s) {
      if (c < '0' || c > '7') return false;
      m = m * 8 + static_cast<uint32_t>(c - '0');
    }
    if (m > 0777) return false;
    v = m;
    return true;
  }
  static std::string format(T v) {
    std::string out = "0";
    for (int shift = 6; shift >= 0; shift -= 3) out += static_cast<char>('0' + ((v >> shift) & 7));
    return out;
  }
};

// "none" or an absolute path; stored as "" for none.
struct PathOrNone {
  using T = std::string;
  static constexpr std::string_view hint = "\"none\" or an absolute path";
  static bool parse(std::string_view s, T& v) {
    if (s == "none") {
      v.clear();
      return true;
    }
    return AbsPath::parse(s, v);
  }
  static std::string format(const T& v) { return v.empty() ? "none" : v; }
};

// ChrootDirectory / SftpRoot: "none" (stored as "") or a pattern.
struct RootPatternOrNone {
  using T = std::string;
  static constexpr std::string_view hint =
      "\"none\" or an absolute path other than /, with only the tokens %%, %h, %u and %U";
  static bool parse(std::string_view s, T& v) {
    if (s == "none") {
      v.clear();
      return true;
    }
    if (!valid_root_pattern(s)) return false;
    v = s;
    return true;
  }
  static std::string format(const T& v) { return v.empty() ? "none" : v; }
};

constexpr Named<SftpRootMode> kSftpRootModes[] = {
    {"read-write", SftpRootMode::kReadWrite},
    {"read-only", SftpRootMode::kReadOnly},
    {"upload-only", SftpRootMode::kUploadOnly},
};

constexpr Named<PermitRootLogin> kRootLogin[] = {
    {"yes", PermitRootLogin::kYes},
    {"no", PermitRootLogin::kNo},
    {"prohibit-password", PermitRootLogin::kProhibitPassword},
    {"without-password", PermitRootLogin::kProhibitPassword},
    {"forced-commands-only", PermitRootLogin::kForcedCommandsOnly},
};
constexpr Named<TcpForwarding> kTcpForwarding[] = {
    {"yes", TcpForwarding::kYes},     {"all", TcpForwarding::kYes}, {"no", TcpForwarding::kNo},
    {"local", TcpForwarding::kLocal}, {"remote", TcpForwarding::kRemote},
};
constexpr Named<GatewayPorts> kGatewayPorts[] = {
    {"no", GatewayPorts::kNo}, {"yes", GatewayPorts::kYes},
    {"clientspecified", GatewayPorts::kClientSpecified},
};
// Compression: OpenSSH's "yes" has meant delayed since 7.4; plain zlib from
// the first NEWKEYS is not offered at all.
constexpr Named<bool> kCompression[] = {
    {"yes", true}, {"delayed", true}, {"no", false},
};
constexpr Named<LogLevel> kLogLevels[] = {
    {"QUIET", LogLevel::kQuiet},     {"FATAL", LogLevel::kFatal},   {"ERROR", LogLevel::kError},
    {"INFO", LogLevel::kInfo},       {"VERBOSE", LogLevel::kVerbose},
    {"DEBUG1", LogLevel::kDebug1},   {"DEBUG", LogLevel::kDebug1},  {"DEBUG2", LogLevel::kDebug2},
    {"DEBUG3", LogLevel::kDebug3},
};
constexpr Named<SyslogFacility> kFacilities[] = {
    {"DAEMON", SyslogFacility::kDaemon}, {"USER", SyslogFacility::kUser},
    {"AUTH", SyslogFacility::kAuth},     {"AUTHPRIV", SyslogFacility::kAuthPriv},
    {"LOCAL0", SyslogFacility::kLocal0}, {"LOCAL1", SyslogFacility::kLocal1},
    {"LOCAL2", SyslogFacility::kLocal2}, {"LOCAL3", SyslogFacility::kLocal3},
    {"LOCAL4", SyslogFacility::kLocal4}, {"LOCAL5", SyslogFacility::kLocal5},
    {"LOCAL6", SyslogFacility::kLocal6}, {"LOCAL7", SyslogFacility::kLocal7},
};

// ---- Handlers: how a keyword's arguments map onto its field ---------------

// Exactly one argument; first value wins.
template <auto Field, class Codec>
struct Scalar {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    typename Codec::T v{};
    if (!Codec::parse(args[0], v)) return invalid(name, args[0], Codec::hint, why);
    if (first) cfg.*Field = std::move(v);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    emit_one(out, name, Codec::format(cfg.*Field));
  }
};

// Up to MaxPerLine arguments per line, accumulating over lines; serialized
// one item per line so no output line outgrows its input.
template <auto Field, class Codec, size_t MaxPerLine>
struct List {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, MaxPerLine, why)) return false;
    std::vector<typename Codec::T> items(args.size());
    for (size_t i = 0; i < args.size(); ++i)
      if (!Codec::parse(args[i], items[i])) return invalid(name, args[i], Codec::hint, why);
    auto& field = cfg.*Field;
    if (first) field.clear();  // the first line replaces the built-in default
    field.insert(field.end(), std::make_move_iterator(items.begin()),
                 std::make_move_iterator(items.end()));
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    for (const auto& item : cfg.*Field) emit_one(out, name, Codec::format(item));
  }
};

constexpr size_t kUnlimited = SIZE_MAX;
constexpr size_t kUnlimitedArgs = SIZE_MAX;

// AuthorizedKeysFile: up to 8 patterns on its one line, or "none" (stored as
// an empty list); first line wins like a scalar.
struct KeysFiles {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 8, why)) return false;
    std::vector<std::string> files;
    if (!(args.size() == 1 && args[0] == "none")) {
      for (const auto& a : args) {
        if (a == "none" || !valid_keys_file_pattern(a))
          return invalid(name, a, "only the tokens %%, %h, %u and %U; \"none\" alone", why);
        files.push_back(a);
      }
    }
    if (first) cfg.authorized_keys_files = std::move(files);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const auto& f = cfg.authorized_keys_files;
    if (f.empty()) return emit_one(out, name, "none");
    append_line(out, name, std::vector<std::string_view>(f.begin(), f.end()));
  }
};

// Subsystem NAME COMMAND [ARGS...]: accumulates; a name may appear once. The
// command is capped so its serialized form stays far below the line limit.
struct Subsystems {
  static constexpr size_t kMaxCommand = 1024;
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 2, kUnlimited, why)) return false;
    if (!valid_subsystem_name(args[0])) return invalid(name, args[0], "not a valid name", why);
    if (first) cfg.subsystems.clear();  // the first line replaces the built-in sftp
    std::string command;
    for (size_t i = 1; i < args.size(); ++i) {
      if (i > 1) command += ' ';
      command += args[i];
    }
    if (command.empty() || command.size() > kMaxCommand)
      return invalid(name, command, "empty command or longer than 1024 bytes", why);
    for (const auto& s : cfg.subsystems)
      if (s.name == args[0]) {
        why = "Subsystem '" + args[0] + "' already defined";
        return false;
      }
    cfg.subsystems.push_back({args[0], std::move(command)});
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    for (const auto& s : cfg.subsystems) append_line(out, name, {s.name, s.command});
  }
};

// Banner: only "none" until banner files are implemented; refusing a path
// beats silently showing nothing.
struct BannerNone {
  static bool apply(std::string_view name, Args args, Config&, bool, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    if (args[0] != "none") return invalid(name, args[0], "only \"none\" is supported", why);
    return true;
  }
  static void emit(std::string_view, const Config&, std::string&) {}
};

// ForceCommand COMMAND...: the rest of the line as written, so the user's
// shell sees the administrator's quoting (sshd does the same); "none" is
// no forced command.
struct ForceCommandSpec {
  static bool apply(std::string_view, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, kUnlimitedArgs, why)) return false;
    if (first) cfg.force_command = args.raw == "none" ? "" : std::string(args.raw);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    if (cfg.force_command.empty()) return;
    out += name;
    // "ForceCommand =x" would read '=' as the separator.
    out += cfg.force_command.front() == '=' ? " =" : " ";
    out += cfg.force_command;
    out += '\n';
  }
};

// PermitUserEnvironment yes|no|PATTERN[,PATTERN...]: which variable names a
// key's environment= may set. Stored as patterns; yes is "*".
struct UserEnvironmentSpec {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    std::vector<std::string> patterns;
    bool yes = false;
    if (parse_yes_no(args[0], yes)) {
      if (yes) patterns.push_back("*");
    } else {
      std::string_view list = args[0];
      while (true) {
        const size_t comma = list.find(',');
        const std::string_view p = list.substr(0, comma);
        // Negations are not supported: refusing beats a list read too wide.
        if (p.empty() || p.front() == '!' || p.find('=') != std::string_view::npos)
          return invalid(name, args[0], "yes, no or a list of variable name patterns", why);
        patterns.emplace_back(p);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
    if (first) cfg.permit_user_environment = std::move(patterns);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const auto& p = cfg.permit_user_environment;
    if (p.empty()) return emit_one(out, name, "no");
    std::string list;
    for (const auto& e : p) list += (list.empty() ? "" : ",") + e;
    emit_one(out, name, list == "*" ? "yes" : list);
  }
};

// ---- Admission control ------------------------------------------------------

bool parse_uint(std::string_view s, uint32_t max, uint32_t& out) {
  int v = 0;
  if (s.size() > 10) return false;
  uint64_t acc = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    acc = acc * 10 + static_cast<uint64_t>(c - '0');
    if (acc > max) return false;
  }
  (void)v;
  if (s.empty()) return false;
  out = static_cast<uint32_t>(acc);
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    parts.push_back(s.substr(start, p == std::string_view::npos ? s.npos : p - start));
    if (p == std::string_view::npos) return parts;
    start = p + 1;
  }
}

// MaxStartups "start" or "start:rate:full" (rate a percentage, start <= full).
struct MaxStartupsSpec {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    auto parts = split(args[0], ':');
    uint32_t start = 0, rate = 100, full = 0;
    const bool ok = (parts.size() == 1 && parse_uint(parts[0], 100000, start) && (full = start, true)) ||
                    (parts.size() == 3 && parse_uint(parts[0], 100000, start) &&
                     parse_uint(parts[1], 100, rate) && parse_uint(parts[2], 100000, full) &&
                     start <= full && start > 0);
    if (!ok || start == 0) return invalid(name, args[0], "expected start:rate:full", why);
    if (first) cfg.max_startups = {static_cast<int>(start), static_cast<int>(rate), static_cast<int>(full)};
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const auto& m = cfg.max_startups;
    emit_one(out, name, std::to_string(m.start) + ":" + std::to_string(m.rate) + ":" + std::to_string(m.full));
  }
};

// RekeyLimit default|SIZE [default|none|TIME]. SIZE is bytes with an
// optional K, M, G or T (powers of 1024), at least 16; "default" (or 0)
// leaves it to the cipher. The time, if given, is "none"/"default" or a time.
struct RekeyLimitSpec {
  static bool parse_size(std::string_view s, uint64_t& out) {
    uint64_t unit = 1;
    if (!s.empty()) {
      switch (s.back()) {
        case 'K': case 'k': unit = uint64_t{1} << 10; break;
        case 'M': case 'm': unit = uint64_t{1} << 20; break;
        case 'G': case 'g': unit = uint64_t{1} << 30; break;
        case 'T': case 't': unit = uint64_t{1} << 40; break;
        default: break;
      }
      if (unit != 1) s.remove_suffix(1);
    }
    if (s.empty() || s.size() > 20) return false;
    uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      const uint64_t d = static_cast<uint64_t>(c - '0');
      if (n > (UINT64_MAX - d) / 10) return false;
      n = n * 10 + d;
    }
    if (n > UINT64_MAX / unit) return false;
    out = n * unit;
    return true;
  }
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 2, why)) return false;
    uint64_t bytes = 0;
    if (args[0] != "default") {
      if (!parse_size(args[0], bytes))
        return invalid(name, args[0], "bytes such as 512M or 1G, or \"default\"", why);
      // 0 means the default, as in OpenSSH.
      if (bytes != 0 && bytes < 16) return invalid(name, args[0], "too small: at least 16 bytes", why);
    }
    uint32_t seconds = 0;
    if (args.size() == 2 && args[1] != "none" && args[1] != "default" &&
        !parse_time(args[1], seconds))
      return invalid(name, args[1], "a time such as 1h, or \"none\"", why);
    if (first) {
      cfg.rekey_limit_bytes = bytes;
      cfg.rekey_limit_seconds = seconds;
    }
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const std::string bytes = cfg.rekey_limit_bytes == 0 ? "default" : std::to_string(cfg.rekey_limit_bytes);
    const std::string seconds = cfg.rekey_limit_seconds == 0 ? "none" : std::to_string(cfg.rekey_limit_seconds);
    append_line(out, name, {bytes, seconds});
  }
};

// PerSourceMaxStartups N|none
struct PerSourceStartups {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    uint32_t n = 0;
    if (args[0] != "none" && (!parse_uint(args[0], 1000000, n) || n == 0))
      return invalid(name, args[0], "a positive number or \"none\"", why);
    if (first) cfg.per_source_max_startups = static_cast<int>(n);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const int n = cfg.per_source_max_startups;
    emit_one(out, name, n == 0 ? "none" : std::to_string(n));
  }
};

// PerSourceNetBlockSize v4[:v6]
struct NetBlockSize {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    auto parts = split(args[0], ':');
    uint32_t v4 = 0, v6 = static_cast<uint32_t>(Config{}.per_source_netblock_v6);  // v4 only: v6 keeps its default
    if (parts.size() > 2 || !parse_uint(parts[0], 32, v4) ||
        (parts.size() == 2 && !parse_uint(parts[1], 128, v6)))
      return invalid(name, args[0], "expected v4bits[:v6bits]", why);
    if (first) {
      cfg.per_source_netblock_v4 = static_cast<int>(v4);
      cfg.per_source_netblock_v6 = static_cast<int>(v6);
    }
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    emit_one(out, name, std::to_string(cfg.per_source_netblock_v4) + ":" +
                            std::to_string(cfg.per_source_netblock_v6));
  }
};

// PerSourcePenalties yes|no|KEY:SECONDS... (crash authfail noauth
// grace-exceeded max min)
struct PenaltiesSpec {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, kUnlimitedArgs, why)) return false;
    Penalties p;
    for (const auto& a : args) {
      if (a == "yes") continue;
      if (a == "no") {
        p.enabled = false;
        continue;
      }
      const size_t colon = a.find(':');
      uint32_t v = 0;
      if (colon == std::string::npos || !parse_uint(std::string_view(a).substr(colon + 1), 86400 * 365, v))
        return invalid(name, a, "expected yes, no or KEY:SECONDS", why);
      const std::string key = a.substr(0, colon);
      if (key == "crash") p.crash = v;
      else if (key == "authfail") p.authfail = v;
      else if (key == "noauth") p.noauth = v;
      else if (key == "grace-exceeded") p.grace_exceeded = v;
      else if (key == "max") p.max = v;
      else if (key == "min") p.min = v;
      else return invalid(name, a, "unknown penalty (crash, authfail, noauth, grace-exceeded, max, min)", why);
    }
    if (first) cfg.penalties = p;
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    const auto& p = cfg.penalties;
    if (!p.enabled) return emit_one(out, name, "no");
    append_line(out, name, {"crash:" + std::to_string(p.crash), "authfail:" + std::to_string(p.authfail),
                            "noauth:" + std::to_string(p.noauth),
                            "grace-exceeded:" + std::to_string(p.grace_exceeded),
                            "max:" + std::to_string(p.max), "min:" + std::to_string(p.min)});
  }
};

// PreauthUidRange FIRST-LAST|none
struct UidRange {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    uint32_t lo = 0, hi = 0;
    if (args[0] != "none") {
      auto parts = split(args[0], '-');
      if (parts.size() != 2 || !parse_uint(parts[0], 4294967294u, lo) ||
          !parse_uint(parts[1], 4294967294u, hi) || lo == 0 || hi < lo || hi - lo < 15)
        return invalid(name, args[0], "expected FIRST-LAST (nonzero, at least 16 ids) or none", why);
    }
    if (first) {
      cfg.preauth_uid_first = lo;
      cfg.preauth_uid_last = hi;
    }
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    emit_one(out, name, cfg.preauth_uid_first == 0 ? std::string("none")
                                                   : std::to_string(cfg.preauth_uid_first) + "-" +
                                                         std::to_string(cfg.preauth_uid_last));
  }
};

// ---- Algorithms -----------------------------------------------------------

// Ciphers, MACs, KexAlgorithms, ...: one comma-separated list with an
// optional +, - or ^ (config/algorithm_list.h), stored resolved; the first
// line wins, as OpenSSH. Written back as the plain resolved list.
template <auto Field, transport::AlgorithmKind Kind>
struct AlgorithmList {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 1, why)) return false;
    std::vector<std::string> names;
    if (!resolve_algorithm_list(Kind, args[0], names, why)) {
      why.insert(0, std::string(name) + ": ");
      return false;
    }
    if (first) cfg.*Field = std::move(names);
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    std::string list;
    for (const auto& n : cfg.*Field) list += (list.empty() ? "" : ",") + n;
    emit_one(out, name, list);
  }
};

// RequiredRSASize BITS: OpenSSH refuses RSA keys under 1024 bits whatever
// this says, so a smaller value would only mislead; 16384 is the largest
// modulus OpenSSH handles, so a larger one would refuse every RSA key.
struct RsaBits {
  using T = int;
  static constexpr std::string_view hint = "bits, from 1024 to 16384";
  static bool parse(std::string_view s, T& v) { return parse_int(s, 1024, 16384, v); }
  static std::string format(T v) { return std::to_string(v); }
};

// PubkeyAuthOptions none|touch-required|verify-required ...: the words
// accumulate within the line, "none" adds nothing (as OpenSSH); first line
// wins.
struct PubkeyAuthOptionsSpec {
  static bool apply(std::string_view name, Args args, Config& cfg, bool first, std::string& why) {
    if (!arity(args, 1, 3, why)) return false;
    bool touch = false, verify = false;
    for (const auto& a : args) {
      if (iequals(a, "touch-required")) {
        touch = true;
      } else if (iequals(a, "verify-required")) {
        verify = true;
      } else if (!iequals(a, "none")) {
        return invalid(name, a, "none, touch-required or verify-required", why);
      }
    }
    if (first) {
      cfg.pubkey_touch_required = touch;
      cfg.pubkey_verify_required = verify;
    }
    return true;
  }
  static void emit(std::string_view name, const Config& cfg, std::string& out) {
    std::vector<std::string_view> words;
    if (cfg.pubkey_touch_required) words.push_back("touch-required");
    if (cfg.pubkey_verify_required) words.push_back("verify-required");
    if (words.empty()) return emit_one(out, name, "none");
    append_line(out, name, words);
  }
};

template <class H>
constexpr Keyword row(std::string_view name) {
  return {name, &H::apply, &H::emit};
}

using C = Config;
constexpr Keyword kTable[] = {
    row<List<&C::ports, Port, 1>>("Port"),
    row<List<&C::listen_addresses, ListenAddr, 1>>("ListenAddress"),
    row<List<&C::host_keys, AbsPath, 1>>("HostKey"),
    row<Scalar<&C::login_grace_time, Seconds>>("LoginGraceTime"),
    row<Scalar<&C::max_auth_tries, Int<1, 1000>>>("MaxAuthTries"),
    row<Scalar<&C::max_sessions, Int<0, 100000>>>("MaxSessions"),
    row<Scalar<&C::pubkey_authentication, YesNo>>("PubkeyAuthentication"),
    row<Scalar<&C::strict_modes, YesNo>>("StrictModes"),
    row<KeysFiles>("AuthorizedKeysFile"),
    row<Scalar<&C::permit_root_login, Enum<PermitRootLogin, kRootLogin>>>("PermitRootLogin"),
    row<Scalar<&C::password_authentication, YesNo>>("PasswordAuthentication"),
    row<Scalar<&C::kbd_interactive_authentication, YesNo>>("KbdInteractiveAuthentication"),
    row<Scalar<&C::use_pam, YesNo>>("UsePAM"),
    row<Scalar<&C::pam_service_name, UserName>>("PAMServiceName"),
    row<Scalar<&C::permit_empty_passwords, YesNo>>("PermitEmptyPasswords"),
    row<Scalar<&C::log_level, Enum<LogLevel, kLogLevels>>>("LogLevel"),
    row<Scalar<&C::syslog_facility, Enum<SyslogFacility, kFacilities>>>("SyslogFacility"),
    row<Scalar<&C::preauth_user, UserName>>("PreauthUser"),
    row<Scalar<&C::preauth_chroot, ChrootDir>>("PreauthChroot"),
    row<List<&C::accept_env, EnvPattern, kUnlimited>>("AcceptEnv"),
    row<Scalar<&C::tcp_keep_alive, YesNo>>("TCPKeepAlive"),
    row<Scalar<&C::client_alive_interval, Seconds>>("ClientAliveInterval"),
    row<Scalar<&C::client_alive_count_max, Int<0, 100000>>>("ClientAliveCountMax"),
    row<Scalar<&C::pid_file, PathOrNone>>("PidFile"),
    row<BannerNone>("Banner"),
    row<Scalar<&C::print_motd, YesNo>>("PrintMotd"),
    row<Scalar<&C::print_last_log, YesNo>>("PrintLastLog"),
    row<Subsystems>("Subsystem"),
    row<List<&C::allow_users, Word, kUnlimited>>("AllowUsers"),
    row<List<&C::deny_users, Word, kUnlimited>>("DenyUsers"),
    row<List<&C::allow_groups, Word, kUnlimited>>("AllowGroups"),
    row<List<&C::deny_groups, Word, kUnlimited>>("DenyGroups"),
    row<MaxStartupsSpec>("MaxStartups"),
    row<PerSourceStartups>("PerSourceMaxStartups"),
    row<NetBlockSize>("PerSourceNetBlockSize"),
    row<PenaltiesSpec>("PerSourcePenalties"),
    row<List<&C::penalty_exempt, Word, kUnlimited>>("PerSourcePenaltyExemptList"),
    row<UidRange>("PreauthUidRange"),
    row<Scalar<&C::permit_tty, YesNo>>("PermitTTY"),
    row<ForceCommandSpec>("ForceCommand"),
    row<UserEnvironmentSpec>("PermitUserEnvironment"),
    row<Scalar<&C::allow_tcp_forwarding, Enum<TcpForwarding, kTcpForwarding>>>("AllowTcpForwarding"),
    row<Scalar<&C::allow_agent_forwarding, YesNo>>("AllowAgentForwarding"),
    row<Scalar<&C::allow_streamlocal_forwarding, Enum<TcpForwarding, kTcpForwarding>>>(
        "AllowStreamLocalForwarding"),
    row<List<&C::permit_open, PermitOpenEntry, kUnlimited>>("PermitOpen"),
    row<List<&C::permit_listen, PermitListenEntry, kUnlimited>>("PermitListen"),
    row<Scalar<&C::gateway_ports, Enum<GatewayPorts, kGatewayPorts>>>("GatewayPorts"),
    row<Scalar<&C::disable_forwarding, YesNo>>("DisableForwarding"),
    row<Scalar<&C::streamlocal_bind_mask, OctalMask>>("StreamLocalBindMask"),
    row<Scalar<&C::streamlocal_bind_unlink, YesNo>>("StreamLocalBindUnlink"),
    row<Scalar<&C::x11_forwarding, YesNo>>("X11Forwarding"),
    row<Scalar<&C::permit_user_rc, YesNo>>("PermitUserRC"),
    row<Scalar<&C::rekey_after_auth, YesNo>>("RekeyAfterAuth"),
    row<Scalar<&C::compression, Enum<bool, kCompression>>>("Compression"),
    row<RekeyLimitSpec>("RekeyLimit"),
    row<AlgorithmList<&C::ciphers, transport::AlgorithmKind::kCipher>>("Ciphers"),
    row<AlgorithmList<&C::macs, transport::AlgorithmKind::kMac>>("MACs"),
    row<AlgorithmList<&C::kex_algorithms, transport::AlgorithmKind::kKex>>("KexAlgorithms"),
    row<AlgorithmList<&C::host_key_algorithms, transport::AlgorithmKind::kHostKey>>(
        "HostKeyAlgorithms"),
    row<AlgorithmList<&C::pubkey_accepted_algorithms, transport::AlgorithmKind::kPubkey>>(
        "PubkeyAcceptedAlgorithms"),
    row<AlgorithmList<&C::ca_signature_algorithms, transport::AlgorithmKind::kCaSignature>>(
        "CASignatureAlgorithms"),
    row<Scalar<&C::required_rsa_size, RsaBits>>("RequiredRSASize"),
    row<Scalar<&C::require_pq_kex, YesNo>>("RequirePQKex"),
    row<PubkeyAuthOptionsSpec>("PubkeyAuthOptions"),
    row<Scalar<&C::chroot_directory, RootPatternOrNone>>("ChrootDirectory"),
    row<Scalar<&C::sftp_root, RootPatternOrNone>>("SftpRoot"),
    row<Scalar<&C::sftp_root_mode, Enum<SftpRootMode, kSftpRootModes>>>("SftpRootMode"),
};
static_assert(std::size(kTable) <= kMaxKeywords, "raise kMaxKeywords in config.h");

struct Alias {
  std::string_view alias, target;
};
constexpr Alias kAliases[] = {
    {"ChallengeResponseAuthentication", "KbdInteractiveAuthentication"},
    {"PubkeyAcceptedKeyTypes", "PubkeyAcceptedAlgorithms"},  // its name before OpenSSH 8.5
};

}  // namespace

std::span<const Keyword> keyword_table() { return kTable; }

const Keyword* find_keyword(std::string_view name) {
  for (const auto& a : kAliases)
    if (iequals(name, a.alias)) name = a.target;
  for (const auto& k : kTable)
    if (iequals(name, k.name)) return &k;
  return nullptr;
}

}  // namespace lpsshd::config::detail
