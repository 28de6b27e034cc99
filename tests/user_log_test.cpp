// The postauth child's log lines: sent to the monitor as LOG messages, at
// most kLogLinesPerSecond a second, the rest counted and reported once.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "monitor/protocol.h"
#include "postauth/user_log.h"
#include "proc/unique_fd.h"

using namespace lpsshd;
using postauth::UserLog;
using Level = monproto::LogLine::Level;

namespace {
struct Pair {
  proc::UniqueFd child, monitor;
  Pair() {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    child.reset(sv[0]);
    monitor.reset(sv[1]);
  }
  // Everything queued on the monitor's side, decoded.
  std::vector<monproto::LogLine> drain() {
    std::vector<monproto::LogLine> out;
    std::vector<uint8_t> buf(monproto::kMaxMessage);
    while (true) {
      const ssize_t n = recv(monitor.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n <= 0) break;
      monproto::LogLine line;
      EXPECT_TRUE(monproto::decode(std::span<const uint8_t>(buf.data(), size_t(n)), line));
      out.push_back(line);
    }
    return out;
  }
};
}  // namespace

TEST(UserLog, SendsLinesWithTheirLevel) {
  Pair p;
  UserLog log(p.child.get());
  log.emit_at(1000, Level::kInfo, "open \"/x\" flags READ mode 0666");
  log.emit_at(1001, Level::kDebug, "debug line");
  auto lines = p.drain();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "open \"/x\" flags READ mode 0666");
  EXPECT_EQ(lines[0].level, Level::kInfo);
  EXPECT_EQ(lines[1].level, Level::kDebug);
}

TEST(UserLog, HoldsItselfToTheRateAndReportsWhatItDropped) {
  Pair p;
  UserLog log(p.child.get());
  size_t received = 0;
  for (int i = 0; i < postauth::kLogLinesPerSecond + 250; ++i) {
    log.emit_at(7000 + i % 1000, Level::kInfo, "line " + std::to_string(i));
    received += p.drain().size();  // keep the socket from filling up
  }
  EXPECT_EQ(received, size_t(postauth::kLogLinesPerSecond));
  EXPECT_EQ(log.dropped(), 250u);
  // The next second opens with the count, then the line itself.
  log.emit_at(8000, Level::kInfo, "after");
  auto lines = p.drain();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "250 log lines dropped (more than 900 a second)");
  EXPECT_EQ(lines[1].text, "after");
  EXPECT_EQ(log.dropped(), 0u);
  // Together with the summary, one second never exceeds the monitor's
  // bound even when it straddles two of ours.
  static_assert(2 * (postauth::kLogLinesPerSecond + 1) <= 2000);
}

// A process that ends within the second of a burst still says how many
// lines it dropped: the count goes out when the log is destroyed.
TEST(UserLog, ReportsWhatItDroppedWhenItEnds) {
  Pair p;
  size_t received = 0;
  {
    UserLog log(p.child.get());
    for (int i = 0; i < postauth::kLogLinesPerSecond + 7; ++i) {
      log.emit_at(3000, Level::kInfo, "line");
      received += p.drain().size();
    }
    EXPECT_EQ(log.dropped(), 7u);
  }
  auto lines = p.drain();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "7 log lines dropped (more than 900 a second)");
  EXPECT_EQ(received, size_t(postauth::kLogLinesPerSecond));
}

TEST(UserLog, LongLinesAreCutAndNulIsReplaced) {
  Pair p;
  UserLog log(p.child.get());
  log.emit_at(0, Level::kInfo, std::string(5000, 'a'));
  log.emit_at(1, Level::kInfo, std::string("a\0b", 3));
  auto lines = p.drain();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text.size(), monproto::LogLine::kMaxLogText);
  EXPECT_EQ(lines[1].text, "a?b");
}
