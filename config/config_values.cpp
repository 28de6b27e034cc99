#include "config/config_values.h"

#include <charconv>
#include <cstdint>

namespace lpsshd::config::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

bool host_chars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '.' && c != '-' && c != '_' && c != ':' && c != '%') return false;
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool parse_time(std::string_view s, uint32_t& seconds) {
  constexpr uint64_t kMax = INT32_MAX;
  if (s.empty()) return false;
  uint64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (!is_digit(s[i])) return false;  // every member starts with a number
    uint64_t n = 0;
    while (i < s.size() && is_digit(s[i])) {
      n = n * 10 + static_cast<uint64_t>(s[i] - '0');
      if (n > kMax) return false;  // checked per digit: no uint64 overflow
      ++i;
    }
    uint64_t unit = 1;
    if (i < s.size()) {
      switch (lower(s[i])) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 604800; break;
        default: return false;
      }
      ++i;
    }
    total += n * unit;  // n <= 2^31, unit < 2^20: no overflow
    if (total > kMax) return false;
  }
  seconds = static_cast<uint32_t>(total);
  return true;
}

bool parse_int(std::string_view s, int min, int max, int& out) {
  if (!all_digits(s)) return false;
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return false;
  out = v;
  return true;
}

bool parse_port(std::string_view s, uint16_t& out) {
  int v;
  if (!parse_int(s, 1, 65535, v)) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

bool parse_yes_no(std::string_view s, bool& out) {
  if (iequals(s, "yes")) {
    out = true;
  } else if (iequals(s, "no")) {
    out = false;
  } else {
    return false;
  }
  return true;
}

bool valid_listen_address(std::string_view s) {
  uint16_t port;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view addr = s.substr(1, close - 1);
    const std::string_view after = s.substr(close + 1);
    if (addr.find(':') == std::string_view::npos || !host_chars(addr)) return false;
    return after.empty() || (after.front() == ':' && parse_port(after.substr(1), port));
  }
  const size_t colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
    // Exactly one colon: host:port.
    const std::string_view host = s.substr(0, colon);
    return host_chars(host) && parse_port(s.substr(colon + 1), port);
  }
  return host_chars(s);  // a name, an IPv4 address or a bare IPv6 address
}

bool valid_absolute_path(std::string_view s) { return !s.empty() && s.front() == '/'; }

bool valid_user_name(std::string_view s) {
  if (s.empty() || s.size() > 32 || s.front() == '-') return false;
  for (char c : s)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

bool valid_keys_file_pattern(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 1 == s.size()) return false;
    const char t = s[++i];
    if (t != '%' && t != 'h' && t != 'u' && t != 'U') return false;
  }
  return true;
}

bool valid_root_pattern(std::string_view s) {
  return valid_keys_file_pattern(s) && (s.starts_with('/') || s.starts_with("%h")) && s != "/";
}

bool valid_subsystem_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '@' && c != '-') return false;
  return true;
}

}  // namespace lpsshd::config::detail
