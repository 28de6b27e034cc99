#include "pattern/wildcard.h"

namespace lpsshd::pattern {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool wildcard_match(std::string_view p, std::string_view t, bool ignore_case) {
  auto same = [ignore_case](char a, char b) { return ignore_case ? lower(a) == lower(b) : a == b; };
  // Greedy with a single backtrack point: on mismatch, let the last '*'
  // swallow one more character. Linear in practice, quadratic at worst.
  size_t pi = 0, ti = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || same(p[pi], t[ti]))) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      star_t = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++star_t;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool match_any(const std::vector<std::string>& patterns, std::string_view text) {
  for (const auto& p : patterns)
    if (wildcard_match(p, text, false)) return true;
  return false;
}

}  // namespace lpsshd::pattern
