// Log lines from the user's side of the connection (the in-process SFTP
// server's record of every operation). This process writes no log itself:
// each line goes to the monitor as a LOG message, which writes it behind a
// prefix naming the user (monitor/protocol.h, LogLine).
//
// The monitor counts these per second and treats more than
// monitor::kMaxLogLinesPerSecond as hostile; this side keeps well below
// that: past kLogLinesPerSecond in one second, lines are dropped and
// counted, and the next second starts with one line saying how many.
#pragma once

#include <cstdint>
#include <string_view>

#include "monitor/protocol.h"

namespace lpsshd::postauth {

// Half the monitor's bound, so that two of our seconds straddling one of
// the monitor's (with a summary line each) still fit.
inline constexpr int kLogLinesPerSecond = 900;

class UserLog {
 public:
  explicit UserLog(int monitor_fd) : fd_(monitor_fd) {}
  // The count of lines dropped in the last second is sent too: a process
  // that ends within the second of a burst would otherwise lose it.
  ~UserLog() { flush(); }
  UserLog(const UserLog&) = delete;
  UserLog& operator=(const UserLog&) = delete;
  void info(std::string_view text) { emit(monproto::LogLine::Level::kInfo, text); }
  void verbose(std::string_view text) { emit(monproto::LogLine::Level::kVerbose, text); }
  void debug(std::string_view text) { emit(monproto::LogLine::Level::kDebug, text); }

  // Sends the count of lines dropped, if any, now.
  void flush();

  // For tests: the clock is an argument.
  void emit_at(int64_t now_ms, monproto::LogLine::Level level, std::string_view text);
  uint64_t dropped() const { return dropped_; }

 private:
  void emit(monproto::LogLine::Level level, std::string_view text);
  bool send(monproto::LogLine::Level level, std::string_view text);

  int fd_;
  int64_t second_ = -1;
  int sent_ = 0;          // lines sent in this second
  uint64_t dropped_ = 0;  // not sent since the last summary
};

}  // namespace lpsshd::postauth
