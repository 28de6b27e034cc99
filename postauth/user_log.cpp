#include "postauth/user_log.h"

#include <time.h>

#include <string>

#include "monitor/protocol_client.h"

namespace lpsshd::postauth {

void UserLog::emit(monproto::LogLine::Level level, std::string_view text) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  emit_at(static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000, level, text);
}

void UserLog::emit_at(int64_t now_ms, monproto::LogLine::Level level, std::string_view text) {
  if (now_ms / 1000 != second_) {
    second_ = now_ms / 1000;
    sent_ = 0;
    flush();
  }
  if (sent_ >= kLogLinesPerSecond) {
    ++dropped_;
    return;
  }
  send(level, text);
}

void UserLog::flush() {
  if (dropped_ == 0) return;
  const std::string summary = std::to_string(dropped_) + " log lines dropped (more than " +
                              std::to_string(kLogLinesPerSecond) + " a second)";
  dropped_ = 0;
  send(monproto::LogLine::Level::kInfo, summary);
}

bool UserLog::send(monproto::LogLine::Level level, std::string_view text) {
  ++sent_;
  monproto::LogLine line{level, std::string(text.substr(0, monproto::LogLine::kMaxLogText))};
  // The monitor refuses NUL (the text is for C strings); nothing we log
  // holds one (paths cannot), but a line must never be refused.
  for (char& c : line.text)
    if (c == '\0') c = '?';
  return monproto::send(fd_, line);
}

}  // namespace lpsshd::postauth
