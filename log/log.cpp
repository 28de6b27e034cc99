#include "log/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace lpsshd::log {

namespace {
bool g_stderr = true;
Level g_level = Level::kInfo;
int g_facility = LOG_AUTH;

__attribute__((format(printf, 3, 0))) void emit(Level level, int priority, const char* fmt,
                                              va_list ap) {
  if (!enabled(level)) return;
  char line[2048];
  vsnprintf(line, sizeof line, fmt, ap);
  if (g_stderr) {
    // One write per line so concurrent processes do not interleave.
    char out[2100];
    int n = snprintf(out, sizeof out, "%s\n", line);
    if (n > 0) {
      ssize_t ignored = ::write(STDERR_FILENO, out, static_cast<size_t>(n) < sizeof out ? n : sizeof out - 1);
      (void)ignored;
    }
  } else {
    syslog(priority, "%s", line);
  }
}
}  // namespace

void init(const char* ident, bool to_stderr, Level level, int facility) {
  g_stderr = to_stderr;
  g_level = level;
  g_facility = facility;
  if (!to_stderr) openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

bool enabled(Level level) { return level <= g_level && g_level != Level::kQuiet; }

std::vector<std::string> helper_args() {
  std::vector<std::string> a;
  if (g_stderr) a = {"-e", "1"};
  else a = {"-F", std::to_string(g_facility)};
  a.push_back("-L");
  a.push_back(std::to_string(static_cast<int>(g_level)));
  return a;
}

bool parse_helper_arg(const char* flag, const char* value, bool& to_stderr, Level& level,
                      int& facility) {
  const std::string f = flag;
  const long v = std::strtol(value, nullptr, 10);
  if (f == "-e") to_stderr = true;
  else if (f == "-F" && v >= 0 && v < (24 << 3)) facility = static_cast<int>(v);
  else if (f == "-L" && v >= 0 && v <= static_cast<long>(Level::kDebug3)) level = static_cast<Level>(v);
  else return false;
  return true;
}

#define LPSSHD_LOG_FN(name, level, prio) \
  void name(const char* fmt, ...) {      \
    va_list ap;                          \
    va_start(ap, fmt);                   \
    emit(level, prio, fmt, ap);          \
    va_end(ap);                          \
  }
LPSSHD_LOG_FN(error, Level::kError, LOG_ERR)
LPSSHD_LOG_FN(info, Level::kInfo, LOG_INFO)
LPSSHD_LOG_FN(verbose, Level::kVerbose, LOG_INFO)
LPSSHD_LOG_FN(debug, Level::kDebug1, LOG_DEBUG)
#undef LPSSHD_LOG_FN

}  // namespace lpsshd::log
