// log::RateLimit (log/rate_limit.h): a flood of events a peer causes gives
// one loud line per episode start and at most one summary per interval, and
// every event is counted exactly once.
#include "log/rate_limit.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace lpsshd::log {
namespace {

constexpr int64_t kI = 30000;

TEST(RateLimit, FirstEventIsLoudTheRestAreCounted) {
  RateLimit r(kI);
  EXPECT_EQ(r.summary_due(), RateLimit::kNever);
  EXPECT_TRUE(r.event(1000));
  for (int i = 0; i < 9999; ++i) EXPECT_FALSE(r.event(1000 + i / 10));
  EXPECT_EQ(r.summary_due(), 1000 + kI);
  EXPECT_EQ(r.take_summary(1000 + kI - 1), 0u);  // not yet
  EXPECT_EQ(r.take_summary(1000 + kI), 9999u);
  // Nothing since: the next window ends the episode without a line.
  EXPECT_EQ(r.summary_due(), 1000 + 2 * kI);
  EXPECT_EQ(r.take_summary(1000 + 2 * kI), 0u);
  EXPECT_EQ(r.summary_due(), RateLimit::kNever);
  // A new episode starts loud.
  EXPECT_TRUE(r.event(1000 + 2 * kI + 5));
}

TEST(RateLimit, SustainedFloodGivesOneLinePerInterval) {
  RateLimit r(kI);
  uint64_t loud = 0, summarised = 0, events = 0;
  // 1000 events a second for ten minutes; the owner takes summaries on time.
  for (int64_t t = 0; t < 600000; ++t) {
    ++events;
    if (r.event(t)) ++loud;
    if (const uint64_t n = r.take_summary(t)) {
      ++loud;
      summarised += n;
    }
  }
  summarised += r.take_pending();
  EXPECT_EQ(summarised + 1, events);  // every event once: the first loud, the rest summarised
  EXPECT_LE(loud, 600000 / kI + 1);
  EXPECT_GE(loud, 600000 / kI);
}

TEST(RateLimit, SummaryIsNotLostWhenTheOwnerIsLate) {
  RateLimit r(kI);
  EXPECT_TRUE(r.event(0));
  EXPECT_FALSE(r.event(10));
  EXPECT_FALSE(r.event(20));
  // The owner only looks again long after the window ended: the count is
  // still there, and an event in between does not restart the episode.
  EXPECT_FALSE(r.event(5 * kI));
  EXPECT_EQ(r.take_summary(5 * kI), 3u);
}

TEST(RateLimit, QuietIntervalWithoutSummaryStartsAFreshEpisode) {
  RateLimit r(kI);
  EXPECT_TRUE(r.event(0));
  // A lone event, then silence longer than the interval: the next event is
  // loud again even if the owner never called take_summary.
  EXPECT_TRUE(r.event(kI + 1));
  EXPECT_FALSE(r.event(kI + 2));
}

TEST(RateLimit, BurstsSeparatedByQuietPeriods) {
  // A burst every 70 s: each gives its loud first line and one summary.
  RateLimit r(kI);
  uint64_t loud = 0, counted = 0;
  for (int burst = 0; burst < 10; ++burst) {
    const int64_t t0 = burst * 70000;
    for (int i = 0; i < 100; ++i)
      if (r.event(t0 + i)) ++loud;
    for (int64_t t = t0; t < t0 + 70000; t += 100) {
      if (const uint64_t n = r.take_summary(t)) {
        ++loud;
        counted += n;
      }
    }
  }
  EXPECT_EQ(loud, 20u);
  EXPECT_EQ(counted, 10u * 99);
}

TEST(RateLimit, TakePendingEndsTheEpisode) {
  RateLimit r(kI);
  EXPECT_TRUE(r.event(0));
  EXPECT_FALSE(r.event(1));
  EXPECT_EQ(r.take_pending(), 1u);
  EXPECT_EQ(r.take_pending(), 0u);
  EXPECT_EQ(r.summary_due(), RateLimit::kNever);
  EXPECT_TRUE(r.event(2));
}

}  // namespace
}  // namespace lpsshd::log
