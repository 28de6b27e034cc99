// The listener's resource rules (sshd/resources.h): the descriptors it
// needs before it may start, and the pause after accept4 runs short.
#include "sshd/resources.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "config/config.h"
#include "proc/spawn.h"

namespace lpsshd::sshd {
namespace {

config::Config cfg_from(std::string_view text) {
  config::Config cfg;
  std::string error;
  EXPECT_TRUE(config::parse_config_text(text, "test", cfg, error)) << error;
  return cfg;
}

TEST(DescriptorLimit, DefaultConfigFitsTheUsualLimit) {
  const config::Config cfg;
  EXPECT_EQ(check_descriptor_limit(cfg, 12, 1024), "");
  const auto n = descriptor_need(cfg, 12);
  // 12 + 5 + 100 + 3, then room for a spawn's eight.
  EXPECT_EQ(n.listener, 128u);
  EXPECT_GE(n.monitor, static_cast<uint64_t>(proc::kStagingFd) + 16);
  EXPECT_EQ(n.total(), 128u);
}

TEST(DescriptorLimit, TooFewFailsWithAMessageSayingWhat) {
  const config::Config cfg;
  const std::string e = check_descriptor_limit(cfg, 12, 20);
  EXPECT_NE(e.find("RLIMIT_NOFILE is 20"), std::string::npos) << e;
  EXPECT_NE(e.find("at least 128"), std::string::npos) << e;
  EXPECT_NE(e.find("MaxStartups 100"), std::string::npos) << e;
  EXPECT_NE(e.find("ulimit -n"), std::string::npos) << e;
  EXPECT_EQ(check_descriptor_limit(cfg, 12, 127).empty(), false);
  EXPECT_EQ(check_descriptor_limit(cfg, 12, 128), "");
}

TEST(DescriptorLimit, GrowsWithMaxStartupsAndListenSockets) {
  const auto a = descriptor_need(cfg_from("MaxStartups 10:30:1000\n"), 12);
  EXPECT_EQ(a.listener, 12u + 5 + 1000 + 3 + 8);
  const auto b = descriptor_need(cfg_from("MaxStartups 10:30:1000\n"), 20);  // 8 more listen sockets
  EXPECT_EQ(b.listener, a.listener + 8);
  EXPECT_NE(check_descriptor_limit(cfg_from("MaxStartups 10:30:1000\n"), 12, 1024), "");
}

TEST(DescriptorLimit, SmallConfigsStillNeedRoomToSpawn) {
  // Even MaxStartups 1 needs the spawn staging area above kStagingFd.
  const auto n = descriptor_need(cfg_from("MaxStartups 1\nMaxSessions 0\n"), 5);
  EXPECT_EQ(n.total(), static_cast<uint64_t>(proc::kStagingFd) + 16);
}

TEST(DescriptorLimit, MonitorNeedsRoomForItsSessions) {
  const auto n = descriptor_need(cfg_from("MaxStartups 1\nMaxSessions 100\n"), 5);
  EXPECT_EQ(n.monitor, 16u + 200 + 8);
  EXPECT_EQ(n.total(), n.monitor);
}

TEST(AcceptBackoff, ResourceErrorsPauseAccepting) {
  for (int err : {EMFILE, ENFILE, ENOBUFS, ENOMEM}) {
    AcceptBackoff b;
    EXPECT_TRUE(b.accepting(1000));
    EXPECT_TRUE(b.failed(err, 1000)) << err;
    EXPECT_FALSE(b.accepting(1000));
    EXPECT_FALSE(b.accepting(1000 + AcceptBackoff::kPauseMs - 1));
    EXPECT_TRUE(b.accepting(1000 + AcceptBackoff::kPauseMs));
    EXPECT_EQ(b.resume_ms(), 1000 + AcceptBackoff::kPauseMs);
  }
}

TEST(AcceptBackoff, OtherErrorsConcernOneConnection) {
  for (int err : {ECONNABORTED, EPERM, EPROTO, EINTR, EAGAIN}) {
    AcceptBackoff b;
    EXPECT_FALSE(b.failed(err, 1000)) << err;
    EXPECT_TRUE(b.accepting(1000)) << err;
  }
}

TEST(AcceptBackoff, RepeatedFailuresKeepAtMostTenTriesASecond) {
  // The listener retries only when the pause is over: a limit that stays
  // exhausted costs at most 1000 / kPauseMs accept4 calls a second.
  AcceptBackoff b;
  int tries = 0;
  for (int64_t t = 0; t < 1000; ++t) {
    if (!b.accepting(t)) continue;
    ++tries;
    b.failed(EMFILE, t);
  }
  EXPECT_EQ(tries, 1000 / AcceptBackoff::kPauseMs);
}

}  // namespace
}  // namespace lpsshd::sshd
