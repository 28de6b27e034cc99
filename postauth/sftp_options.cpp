// internal-sftp's option parser; the flags and their checks follow
// sftp-server(8) so that a Subsystem line written for OpenSSH means the
// same here.
#include "postauth/sftp_options.h"

#include <algorithm>
#include <cctype>

#include "postauth/sftp_wire.h"

namespace lpsshd::postauth::sftp {
namespace {

bool split_words(std::string_view s, std::vector<std::string>& out, std::string& error) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i == s.size()) break;
    std::string word;
    char quote = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
        else word.push_back(c);
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ' ' || c == '\t') {
        break;
      } else if (c == '\\' && i + 1 < s.size()) {
        word.push_back(s[++i]);
      } else {
        word.push_back(c);
      }
    }
    if (quote != 0) {
      error = "unterminated quote";
      return false;
    }
    out.push_back(std::move(word));
  }
  return true;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool request_list(const std::string& arg, std::vector<std::string>& out, std::string& error) {
  size_t start = 0;
  while (true) {
    size_t comma = arg.find(',', start);
    std::string name = arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (op_by_name(name) == nullptr) {
      error = "unknown request name \"" + name + "\" (see sftp-server -Q requests)";
      return false;
    }
    out.push_back(name);
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

bool tokens_ok(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') continue;
    if (i + 1 == raw.size()) return false;
    char t = raw[++i];
    if (t != 'd' && t != 'u' && t != '%') return false;
  }
  return true;
}

}  // namespace

std::optional<SftpOptions> parse_internal_sftp_args(std::string_view command, std::string& error) {
  std::vector<std::string> words;
  if (!split_words(command, words, error)) return std::nullopt;
  SftpOptions o;
  static const std::vector<std::string> kLevels = {"QUIET", "FATAL", "ERROR", "INFO", "VERBOSE",
                                                   "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"};
  static const std::vector<std::string> kFacilities = {
      "DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "LOCAL1", "LOCAL2",
      "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"};
  bool have_deny = false;
  for (size_t i = 1; i < words.size(); ++i) {  // words[0]: the program name
    const std::string& w = words[i];
    if (w.size() < 2 || w[0] != '-') {
      error = "unexpected argument \"" + w + "\"";
      return std::nullopt;
    }
    // Flags may be grouped ("-eR") and an argument may follow its letter
    // ("-u022"), as with getopt.
    for (size_t j = 1; j < w.size(); ++j) {
      const char f = w[j];
      if (f == 'R') { o.read_only = true; continue; }
      if (f == 'e') { o.log_stderr = true; continue; }
      if (f != 'd' && f != 'f' && f != 'l' && f != 'P' && f != 'p' && f != 'u') {
        error = std::string("unknown option -") + f;
        return std::nullopt;
      }
      std::string arg;
      if (j + 1 < w.size()) {
        arg = w.substr(j + 1);
      } else if (i + 1 < words.size()) {
        arg = words[++i];
      } else {
        error = std::string("option -") + f + " needs an argument";
        return std::nullopt;
      }
      j = w.size();
      switch (f) {
        case 'd':
          if (!tokens_ok(arg) || arg.empty()) {
            error = "bad -d start directory \"" + arg + "\" (tokens: %d %u %%)";
            return std::nullopt;
          }
          o.start_dir = arg;
          break;
        case 'f':
          if (std::find(kFacilities.begin(), kFacilities.end(), upper(arg)) == kFacilities.end()) {
            error = "unknown log facility \"" + arg + "\"";
            return std::nullopt;
          }
          o.log_facility = upper(arg);
          break;
        case 'l':
          if (std::find(kLevels.begin(), kLevels.end(), upper(arg)) == kLevels.end()) {
            error = "unknown log level \"" + arg + "\"";
            return std::nullopt;
          }
          o.log_level = upper(arg);
          break;
        case 'P':
          if (have_deny) {
            error = "denied requests already set";
            return std::nullopt;
          }
          have_deny = true;
          if (!request_list(arg, o.denied, error)) return std::nullopt;
          break;
        case 'p': {
          if (o.allowed) {
            error = "permitted requests already set";
            return std::nullopt;
          }
          std::vector<std::string> list;
          if (!request_list(arg, list, error)) return std::nullopt;
          o.allowed = std::move(list);
          break;
        }
        case 'u': {
          unsigned v = 0;
          bool ok = !arg.empty() && arg.size() <= 4;
          for (char c : arg) {
            if (c < '0' || c > '7') ok = false;
            else v = v * 8 + static_cast<unsigned>(c - '0');
          }
          if (!ok || v > 0777) {
            error = "invalid umask \"" + arg + "\"";
            return std::nullopt;
          }
          o.umask = v;
          break;
        }
      }
    }
  }
  return o;
}

std::string expand_start_dir(std::string_view raw, std::string_view home, std::string_view user) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%' || i + 1 == raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    char t = raw[++i];
    if (t == 'd') out.append(home);
    else if (t == 'u') out.append(user);
    else out.push_back('%');
  }
  return out;
}

bool request_permitted(const SftpOptions& o, std::string_view name) {
  if (std::find(o.denied.begin(), o.denied.end(), name) != o.denied.end()) return false;
  if (o.allowed && std::find(o.allowed->begin(), o.allowed->end(), name) == o.allowed->end())
    return false;
  return true;
}

}  // namespace lpsshd::postauth::sftp
