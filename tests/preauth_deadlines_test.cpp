// Deadlines of the stages before authentication (monitor/preauth_deadlines.h).
#include "monitor/preauth_deadlines.h"

#include <gtest/gtest.h>

namespace lpsshd::monitor {
namespace {

TEST(PreauthDeadlines, DefaultLoginGraceTime) {
  const auto d = preauth_deadlines(120);
  EXPECT_EQ(d.version_ms, 10000);
  EXPECT_EQ(d.kex_ms, 30000);
  EXPECT_EQ(d.grace_ms, 120000);
  EXPECT_EQ(d.limit_ms(PreauthStage::kVersion), 10000);
  EXPECT_EQ(d.limit_ms(PreauthStage::kKex), 30000);
  EXPECT_EQ(d.limit_ms(PreauthStage::kAuth), 120000);
}

TEST(PreauthDeadlines, ShorterGraceShortensTheStagesDownToAFloor) {
  auto d = preauth_deadlines(60);
  EXPECT_EQ(d.version_ms, 5000);
  EXPECT_EQ(d.kex_ms, 15000);
  d = preauth_deadlines(20);
  EXPECT_EQ(d.version_ms, 5000);
  EXPECT_EQ(d.kex_ms, 10000);
  d = preauth_deadlines(30);
  EXPECT_EQ(d.version_ms, 5000);
  EXPECT_EQ(d.kex_ms, 10000);
}

TEST(PreauthDeadlines, NeverLongerThanLoginGraceTime) {
  auto d = preauth_deadlines(2);
  EXPECT_EQ(d.version_ms, 2000);
  EXPECT_EQ(d.kex_ms, 2000);
  d = preauth_deadlines(8);
  EXPECT_EQ(d.version_ms, 5000);
  EXPECT_EQ(d.kex_ms, 8000);
}

TEST(PreauthDeadlines, LongerGraceKeepsTheCaps) {
  const auto d = preauth_deadlines(600);
  EXPECT_EQ(d.version_ms, 10000);
  EXPECT_EQ(d.kex_ms, 30000);
  EXPECT_EQ(d.grace_ms, 600000);
}

TEST(PreauthDeadlines, NoGraceLimitKeepsTheStageLimits) {
  const auto d = preauth_deadlines(0);
  EXPECT_EQ(d.version_ms, 10000);
  EXPECT_EQ(d.kex_ms, 30000);
  EXPECT_EQ(d.grace_ms, 0);  // authentication itself: no limit
}

TEST(PreauthDeadlines, StagesNeverShrink) {
  for (uint32_t g = 1; g <= 1000; ++g) {
    const auto d = preauth_deadlines(g);
    EXPECT_GT(d.version_ms, 0) << g;
    EXPECT_LE(d.version_ms, d.kex_ms) << g;
    EXPECT_LE(d.kex_ms, d.grace_ms) << g;
  }
}

}  // namespace
}  // namespace lpsshd::monitor
