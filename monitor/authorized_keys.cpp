#include "monitor/authorized_keys.h"

#include <sodium.h>
#include <time.h>

#include <algorithm>

#include "wire/reader.h"

namespace lpsshd::authkeys {
namespace {

using wire::Bytes;
using wire::Reader;

// ---- Key types: one row per accepted type, with the shape of its blob ----

// An SSH mpint that is positive, minimal and within [min_bits, max_bits].
bool rsa_mpint(Reader& r, unsigned min_bits, unsigned max_bits) {
  Bytes b;
  if (!r.string(b) || b.empty() || (b[0] & 0x80)) return false;  // empty or negative
  if (b[0] == 0 && (b.size() == 1 || !(b[1] & 0x80))) return false;  // not minimal
  size_t i = (b[0] == 0) ? 1 : 0;
  unsigned bits = static_cast<unsigned>((b.size() - i - 1) * 8);
  for (uint8_t top = b[i]; top; top >>= 1) ++bits;
  return bits >= min_bits && bits <= max_bits;
}

// Uncompressed point (0x04 || X || Y) on the named curve.
bool ec_point(Reader& r, std::string_view curve, size_t point_len) {
  std::string name;
  Bytes q;
  return r.text(name, 16) && name == curve && r.fixed_string(q, point_len) && q[0] == 0x04;
}

bool sk_application(Reader& r) {
  std::string app;
  return r.text(app, 256) && !app.empty();
}

bool ed25519_body(Reader& r) {
  Bytes pk;
  return r.fixed_string(pk, 32);
}
// sshd(8): RSA moduli of at least 1024 bits; 16 kbit is what the 8 KiB line fits.
bool rsa_body(Reader& r) { return rsa_mpint(r, 2, 64) && rsa_mpint(r, 1024, 16384); }
bool p256_body(Reader& r) { return ec_point(r, "nistp256", 65); }
bool p384_body(Reader& r) { return ec_point(r, "nistp384", 97); }
bool p521_body(Reader& r) { return ec_point(r, "nistp521", 133); }
bool sk_ed25519_body(Reader& r) { return ed25519_body(r) && sk_application(r); }
bool sk_p256_body(Reader& r) { return p256_body(r) && sk_application(r); }

struct KeyType {
  std::string_view name;
  bool (*body)(Reader&);  // fields after the type string; the caller checks end()
};

constexpr KeyType kKeyTypes[] = {
    {"ssh-ed25519", ed25519_body},
    {"ssh-rsa", rsa_body},
    {"ecdsa-sha2-nistp256", p256_body},
    {"ecdsa-sha2-nistp384", p384_body},
    {"ecdsa-sha2-nistp521", p521_body},
    {"sk-ssh-ed25519@openssh.com", sk_ed25519_body},
    {"sk-ecdsa-sha2-nistp256@openssh.com", sk_p256_body},
};

const KeyType* find_key_type(std::string_view name) {
  for (const auto& t : kKeyTypes)
    if (t.name == name) return &t;
  return nullptr;
}

bool blob_fits_type(const KeyType& type, Bytes blob) {
  Reader r(blob);
  Bytes name;
  return r.string(name) && wire::as_view(name) == type.name && type.body(r) && r.end();
}

// ---- Lexical helpers ------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view skip_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view take_token(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && !is_space(s[n])) ++n;
  std::string_view t = s.substr(0, n);
  s.remove_prefix(n);
  return t;
}

bool fail(std::string& error, std::string message) {
  error = std::move(message);
  return false;
}

// ---- Option values --------------------------------------------------------

bool valid_port_spec(std::string_view p) {
  if (p == "*") return true;
  if (p.empty() || p.size() > 5) return false;
  unsigned v = 0;
  for (char c : p) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v >= 1 && v <= 65535;
}

// Names and numeric addresses; wildcards only where the option allows them.
bool valid_host(std::string_view h, bool wildcards) {
  if (h.empty()) return false;
  for (char c : h) {
    const bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '.' || c == '-' || c == '_' || c == ':' || c == '%' ||
                    (wildcards && (c == '*' || c == '?'));
    if (!ok) return false;
  }
  return true;
}

// "host:port" or "[v6]:port"; an IPv6 address must be bracketed.
bool valid_host_port(std::string_view s, bool wildcards) {
  std::string_view host, port;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos)
      return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  return valid_host(host, wildcards) && valid_port_spec(port);
}

bool valid_permitopen(std::string_view v) { return valid_host_port(v, false); }
bool valid_permitlisten(std::string_view v) {
  return v.find(':') == std::string_view::npos ? valid_port_spec(v) : valid_host_port(v, true);
}

bool valid_environment(std::string_view v) {
  const size_t eq = v.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  for (char c : v.substr(0, eq))
    if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_')
      return false;
  return true;
}

// YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]; the time zone is the caller's business.
bool valid_expiry(std::string_view v) {
  if (!v.empty() && v.back() == 'Z') v.remove_suffix(1);
  if (v.size() != 8 && v.size() != 12 && v.size() != 14) return false;
  for (char c : v)
    if (!is_digit(c)) return false;
  auto num = [&](size_t pos) { return (v[pos] - '0') * 10 + (v[pos + 1] - '0'); };
  if (num(4) < 1 || num(4) > 12 || num(6) < 1 || num(6) > 31) return false;
  if (v.size() >= 12 && (num(8) > 23 || num(10) > 59)) return false;
  return v.size() < 14 || num(12) <= 59;
}

bool valid_tunnel(std::string_view v) {
  if (v == "any") return true;
  if (v.empty() || v.size() > 10) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n <= 0x7ffffffd;  // the largest tun unit below sshd's reserved ids
}

bool nonempty(std::string_view v) { return !v.empty(); }
bool anything(std::string_view) { return true; }

// ---- Options: one row per option name --------------------------------------

using Apply = bool (*)(KeyOptions&, std::string_view value, std::string& why);

template <std::optional<std::string> KeyOptions::*Field, bool (*Valid)(std::string_view)>
bool once(KeyOptions& o, std::string_view v, std::string& why) {
  if ((o.*Field).has_value()) return fail(why, "given twice");
  if (!Valid(v)) return fail(why, "invalid value \"" + std::string(v) + "\"");
  o.*Field = std::string(v);
  return true;
}

template <std::vector<std::string> KeyOptions::*Field, bool (*Valid)(std::string_view)>
bool append(KeyOptions& o, std::string_view v, std::string& why) {
  if (!Valid(v)) return fail(why, "invalid value \"" + std::string(v) + "\"");
  (o.*Field).emplace_back(v);
  return true;
}

template <bool KeyOptions::*Field, bool Value>
bool flag(KeyOptions& o, std::string_view, std::string&) {
  o.*Field = Value;
  return true;
}

bool restrict_all(KeyOptions& o, std::string_view, std::string&) {
  o.restrict_all = o.no_pty = o.no_port_forwarding = o.no_agent_forwarding =
      o.no_x11_forwarding = o.no_user_rc = true;
  return true;
}

struct OptionRow {
  std::string_view name;  // matched case-insensitively
  bool takes_value;
  Apply apply;
};

using O = KeyOptions;
constexpr OptionRow kOptions[] = {
    {"agent-forwarding", false, flag<&O::no_agent_forwarding, false>},
    {"cert-authority", false, flag<&O::cert_authority, true>},
    {"command", true, once<&O::command, anything>},
    {"environment", true, append<&O::environment, valid_environment>},
    {"expiry-time", true, once<&O::expiry_time, valid_expiry>},
    {"from", true, once<&O::from, nonempty>},
    {"no-agent-forwarding", false, flag<&O::no_agent_forwarding, true>},
    {"no-port-forwarding", false, flag<&O::no_port_forwarding, true>},
    {"no-pty", false, flag<&O::no_pty, true>},
    {"no-user-rc", false, flag<&O::no_user_rc, true>},
    {"no-X11-forwarding", false, flag<&O::no_x11_forwarding, true>},
    {"permitopen", true, append<&O::permitopen, valid_permitopen>},
    {"permitlisten", true, append<&O::permitlisten, valid_permitlisten>},
    {"port-forwarding", false, flag<&O::no_port_forwarding, false>},
    {"principals", true, once<&O::principals, nonempty>},
    {"no-touch-required", false, flag<&O::no_touch_required, true>},
    {"verify-required", false, flag<&O::verify_required, true>},
    {"pty", false, flag<&O::no_pty, false>},
    {"restrict", false, restrict_all},
    {"tunnel", true, once<&O::tunnel, valid_tunnel>},
    {"user-rc", false, flag<&O::no_user_rc, false>},
    {"X11-forwarding", false, flag<&O::no_x11_forwarding, false>},
};

const OptionRow* find_option(std::string_view name) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  for (const auto& row : kOptions) {
    if (row.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; same && i < name.size(); ++i) same = lower(row.name[i]) == lower(name[i]);
    if (same) return &row;
  }
  return nullptr;
}

// A value in double quotes, where \" stands for " and every other byte,
// backslashes included, is literal. Advances `s` past the closing quote.
bool dequote(std::string_view& s, std::string& out, std::string& error) {
  if (s.empty() || s.front() != '"') return fail(error, "value must be in double quotes");
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') {
      out += '"';
      ++i;
    } else if (s[i] == '"') {
      s.remove_prefix(i + 1);
      return true;
    } else {
      out += s[i];
    }
  }
  return fail(error, "unterminated quoted value");
}

// The comma-separated options field; advances `s` to the whitespace after it.
bool parse_key_options(std::string_view& s, KeyOptions& out, std::string& error) {
  for (bool first = true;; first = false) {
    size_t n = 0;
    while (n < s.size() && s[n] != '=' && s[n] != ',' && !is_space(s[n])) ++n;
    const std::string name(s.substr(0, n));
    s.remove_prefix(n);
    const OptionRow* row = find_option(name);
    if (row == nullptr) {
      if (name.empty()) return fail(error, "empty option");
      const bool lone_word = first && (s.empty() || is_space(s.front()));
      return fail(error, (lone_word ? "unsupported key type or unknown option \""
                                    : "unknown option \"") + name + "\"");
    }
    std::string value, why;
    if (!s.empty() && s.front() == '=') {
      if (!row->takes_value) return fail(error, "option " + name + " takes no value");
      s.remove_prefix(1);
      if (!dequote(s, value, why)) return fail(error, "option " + name + ": " + why);
    } else if (row->takes_value) {
      return fail(error, "option " + name + " needs a value");
    }
    if (!row->apply(out, value, why)) return fail(error, "option " + name + ": " + why);
    if (s.empty() || is_space(s.front())) return true;
    if (s.front() != ',') return fail(error, "unexpected character after option " + name);
    s.remove_prefix(1);
  }
}

// "keytype base64 [comment]" after the options: the decoded blob, checked
// against the structure of its type.
bool decode_key(std::string_view type_name, std::string_view s, std::vector<uint8_t>& out,
                std::string& error) {
  const KeyType* type = find_key_type(type_name);
  if (type == nullptr) return fail(error, "unsupported key type \"" + std::string(type_name) + "\"");
  const std::string_view b64 = take_token(s);  // the rest is the comment, unused
  if (b64.empty()) return fail(error, "missing base64 key");

  std::vector<uint8_t> blob(b64.size() / 4 * 3 + 3);
  size_t len = 0;
  // No ignore set and no end pointer: any non-base64 byte or bad padding fails.
  if (sodium_base642bin(blob.data(), blob.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return fail(error, "key is not valid base64");
  blob.resize(len);
  if (!blob_fits_type(*type, blob))
    return fail(error, "key blob does not match type " + std::string(type_name));
  out = std::move(blob);
  return true;
}

// The key blob of a line whose options field did not parse: the field is
// skipped lexically (up to the first whitespace outside double quotes) and
// the key after it decoded, so a bad option on the key being offered can be
// reported instead of silently skipped.
std::optional<std::vector<uint8_t>> key_after_unparsed_options(std::string_view line) {
  std::string_view s = skip_space(line);
  bool quoted = false;
  size_t n = 0;
  for (; n < s.size() && (quoted || !is_space(s[n])); ++n) {
    if (quoted && s[n] == '\\' && n + 1 < s.size() && s[n + 1] == '"') ++n;
    else if (s[n] == '"') quoted = !quoted;
  }
  s = skip_space(s.substr(n));
  const std::string_view type_name = take_token(s);
  std::vector<uint8_t> blob;
  std::string ignored;
  if (!decode_key(type_name, skip_space(s), blob, ignored)) return std::nullopt;
  return blob;
}

}  // namespace

bool parse_authorized_key_line(std::string_view line, AuthorizedKey& out, std::string& error) {
  out = {};
  if (line.size() > kMaxLineBytes) return fail(error, "line longer than 8 KiB");
  if (line.find('\0') != std::string_view::npos) return fail(error, "NUL byte in line");
  std::string_view s = skip_space(line);
  if (s.empty() || s.front() == '#') return fail(error, "blank or comment line");

  // The options field is present exactly when the line does not start with
  // a key type (no option is named like one).
  std::string_view peek = s;
  if (find_key_type(take_token(peek)) == nullptr) {
    if (!parse_key_options(s, out.options, error)) return false;
    s = skip_space(s);
  }

  const std::string_view type_name = take_token(s);
  if (!decode_key(type_name, skip_space(s), out.blob, error)) return false;
  out.key_type = type_name;
  return true;
}

std::optional<AuthorizedKey> find_authorized_key(
    std::string_view contents, std::span<const uint8_t> blob,
    const std::function<bool(const AuthorizedKey&)>& acceptable,
    const std::function<void(const RefusedLine&)>& refused) {
  size_t line_no = 0;
  while (!contents.empty()) {
    ++line_no;
    const size_t nl = contents.find('\n');
    const std::string_view line = contents.substr(0, nl);
    contents.remove_prefix(nl == std::string_view::npos ? contents.size() : nl + 1);

    AuthorizedKey key;
    std::string error;  // invalid lines are skipped, as sshd does
    if (!parse_authorized_key_line(line, key, error)) {
      if (refused) {
        const auto other = key_after_unparsed_options(line);
        if (other && std::equal(other->begin(), other->end(), blob.begin(), blob.end()))
          refused(RefusedLine{line_no, error});
      }
      continue;
    }
    if (key.options.cert_authority) continue;
    if (!std::equal(key.blob.begin(), key.blob.end(), blob.begin(), blob.end())) continue;
    key.line_number = line_no;
    if (acceptable && !acceptable(key)) continue;
    return key;
  }
  return std::nullopt;
}

std::optional<AuthorizedKey> find_authorized_key(std::string_view contents,
                                                 std::span<const uint8_t> blob) {
  return find_authorized_key(contents, blob, nullptr);
}

std::optional<int64_t> expiry_time_seconds(std::string_view v) {
  if (!valid_expiry(v)) return std::nullopt;
  const bool utc = v.back() == 'Z';
  if (utc) v.remove_suffix(1);
  auto num = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (v[i] - '0');
    return n;
  };
  struct tm tm {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  if (v.size() >= 12) {
    tm.tm_hour = num(8, 2);
    tm.tm_min = num(10, 2);
  }
  if (v.size() == 14) tm.tm_sec = num(12, 2);
  tm.tm_isdst = -1;
  // timegm/mktime normalise 31 February into March: refuse dates that moved.
  struct tm check = tm;
  const time_t t = utc ? timegm(&check) : mktime(&check);
  if (t == static_cast<time_t>(-1) || check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon)
    return std::nullopt;
  return static_cast<int64_t>(t);
}

}  // namespace lpsshd::authkeys
