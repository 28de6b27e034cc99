#include "config/config_tokens.h"

namespace lpsshd::config::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Backslash escapes exactly these two, so a Windows-ish "a\b" stays literal.
bool escapable(char c) { return c == '"' || c == '\\'; }

}  // namespace

bool split_line(std::string_view line, SplitLine& out, std::string& why) {
  out = {};
  size_t i = 0;
  const size_t n = line.size();
  while (i < n && is_space(line[i])) ++i;
  if (i == n || line[i] == '#') return true;
  const size_t kw_start = i;
  while (i < n && !is_space(line[i]) && line[i] != '=') ++i;
  if (i == kw_start) {
    why = "missing keyword before '='";
    return false;
  }
  out.keyword = line.substr(kw_start, i - kw_start);
  while (i < n && is_space(line[i])) ++i;
  if (i < n && line[i] == '=') ++i;
  {
    size_t a = i, b = n;
    while (a < b && is_space(line[a])) ++a;
    while (b > a && is_space(line[b - 1])) --b;
    out.raw = line.substr(a, b - a);
  }

  for (;;) {
    while (i < n && is_space(line[i])) ++i;
    if (i == n || line[i] == '#') break;  // end of line or trailing comment
    std::string arg;
    bool quoted = false;
    while (i < n && (quoted || !is_space(line[i]))) {
      const char c = line[i];
      if (c == '\\' && i + 1 < n && escapable(line[i + 1])) {
        arg += line[i + 1];
        i += 2;
      } else if (c == '"') {
        quoted = !quoted;
        ++i;
      } else {
        arg += c;
        ++i;
      }
    }
    if (quoted) {
      why = "unterminated quoted argument";
      return false;
    }
    out.args.push_back(std::move(arg));
  }
  return true;
}

void append_arg(std::string& out, std::string_view arg) {
  bool quote = arg.empty() || arg.front() == '#';
  for (char c : arg) quote = quote || is_space(c);
  // Trailing backslashes go after the closing quote: inside, the last one
  // would escape the quote and cost an extra byte.
  size_t body = arg.size();
  while (body > 0 && arg[body - 1] == '\\') --body;

  auto put = [&](size_t k) {
    const char c = arg[k];
    // A backslash needs escaping only where the parser would otherwise
    // read it as the start of an escape.
    if (c == '"' || (c == '\\' && k + 1 < arg.size() && escapable(arg[k + 1]))) out += '\\';
    out += c;
  };
  if (quote) out += '"';
  for (size_t k = 0; k < body; ++k) put(k);
  if (quote) out += '"';
  for (size_t k = body; k < arg.size(); ++k) put(k);
}

void append_line(std::string& out, std::string_view keyword,
                 const std::vector<std::string_view>& args) {
  out += keyword;
  for (size_t k = 0; k < args.size(); ++k) {
    // "Keyword =x" would read '=' as the separator, so "Keyword==x".
    out += (k == 0 && !args[k].empty() && args[k].front() == '=') ? '=' : ' ';
    append_arg(out, args[k]);
  }
  out += '\n';
}

}  // namespace lpsshd::config::detail
