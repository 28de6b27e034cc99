#include "sshd/options.h"

#include <string_view>

namespace lpsshd::sshd {

namespace {
constexpr const char* kUsage =
    "usage: lpsshd [-ADeft] [-f config_file] [-h host_key_file] [-o option] [-p port]";
}

bool parse_options(int argc, char** argv, Options& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.size() < 2 || a[0] != '-') {
      error = std::string("unexpected argument: ") + argv[i] + "\n" + kUsage;
      return false;
    }
    // Flags may be grouped (-De) and a value may follow its flag directly
    // (-p2222) or as the next argument, as with getopt.
    for (size_t j = 1; j < a.size(); ++j) {
      const char f = a[j];
      auto value = [&](std::string& v) {
        if (j + 1 < a.size()) {
          v = std::string(a.substr(j + 1));
        } else if (i + 1 < argc) {
          v = argv[++i];
        } else {
          error = std::string("option -") + f + " requires an argument\n" + kUsage;
          return false;
        }
        j = a.size();
        return true;
      };
      std::string v;
      switch (f) {
        case 'D': out.foreground = true; break;
        case 'e': out.log_stderr = true; break;
        case 't': out.test_only = true; break;
        case 'A': out.setup = true; break;
        case 'f':
          if (!value(out.config_path)) return false;
          break;
        case 'p':
          if (!value(v)) return false;
          out.overrides.push_back("Port " + v);
          break;
        case 'h':
          if (!value(v)) return false;
          out.overrides.push_back("HostKey " + v);
          break;
        case 'o':
          if (!value(v)) return false;
          out.overrides.push_back(v);
          break;
        default:
          error = std::string("unknown option -") + f + "\n" + kUsage;
          return false;
      }
    }
  }
  return true;
}

}  // namespace lpsshd::sshd
