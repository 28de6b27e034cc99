// The daemon's log: syslog (LOG_PID, the configured facility) or stderr with
// -e. Messages admins grep for keep OpenSSH's wording. Anything a client chose
// must pass through log::escape() before it reaches a format argument.
#pragma once

#include <string>
#include <vector>

namespace lpsshd::log {

enum class Level { kQuiet, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };

// facility is a syslog LOG_* facility value.
void init(const char* ident, bool to_stderr, Level level, int facility);
bool enabled(Level level);
// How this process logs, so a helper it starts can log the same way:
// "-e" (stderr) or "-F FACILITY", then "-L LEVEL", as init() arguments.
std::vector<std::string> helper_args();
// The inverse, for the helper: consumes those flags from argv[i...].
// Returns false for anything else.
bool parse_helper_arg(const char* flag, const char* value, bool& to_stderr, Level& level,
                      int& facility);

void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace lpsshd::log
