// The minimum time of an authentication failure (monitor/auth_delay.h):
// OpenSSH's 5 ms plus a per-user 0-4.3 ms from a secret, and the doubling
// that covers work which took longer.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "monitor/auth_delay.h"

using namespace lpsshd;
using namespace lpsshd::monitor;

namespace {

crypto::SecretBytes secret_from(uint8_t fill) {
  std::vector<uint8_t> key(64, fill);
  return failure_delay_secret(key);
}

TEST(AuthDelay, PerUserDelayIsBetweenFiveAndNinePointThreeMilliseconds) {
  const auto s = secret_from(1);
  for (int i = 0; i < 2000; ++i) {
    const int64_t d = user_failure_delay_us(s.span(), "user" + std::to_string(i));
    EXPECT_GE(d, 5000);
    EXPECT_LE(d, 5000 + 4294);
  }
}

TEST(AuthDelay, SameUserSameDelayKnownOrNot) {
  // Derived from the name alone: nothing says whether the user exists.
  const auto s = secret_from(2);
  EXPECT_EQ(user_failure_delay_us(s.span(), "alice"), user_failure_delay_us(s.span(), "alice"));
  EXPECT_EQ(user_failure_delay_us(s.span(), "no-such-user"),
            user_failure_delay_us(s.span(), "no-such-user"));
}

TEST(AuthDelay, DelaysSpreadOverTheRangeAndDependOnTheSecret) {
  const auto a = secret_from(3), b = secret_from(4);
  std::set<int64_t> seen;
  int differ = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string u = "u" + std::to_string(i);
    seen.insert(user_failure_delay_us(a.span(), u) / 500);
    if (user_failure_delay_us(a.span(), u) != user_failure_delay_us(b.span(), u)) ++differ;
  }
  EXPECT_GE(seen.size(), 7u);  // of the 9 half-millisecond buckets
  EXPECT_GE(differ, 190);      // another host key, other delays
}

TEST(AuthDelay, SecretDependsOnTheWholeKey) {
  std::vector<uint8_t> k1(64, 7), k2(64, 7);
  k2[63] ^= 1;  // the public half of an ed25519 secret differs too
  const auto s1 = failure_delay_secret(k1), s2 = failure_delay_secret(k2);
  ASSERT_EQ(s1.size(), 32u);
  EXPECT_NE(std::vector<uint8_t>(s1.data(), s1.data() + 32),
            std::vector<uint8_t>(s2.data(), s2.data() + 32));
}

TEST(AuthDelay, QuickWorkWaitsForTheDelay) {
  EXPECT_EQ(failure_reply_due_us(6000, 0), 6000);
  EXPECT_EQ(failure_reply_due_us(6000, 150), 6000);
  EXPECT_EQ(failure_reply_due_us(6000, 6000), 6000);
}

TEST(AuthDelay, SlowWorkDoublesTheDelayUntilItIsCovered) {
  EXPECT_EQ(failure_reply_due_us(6000, 6001), 12000);
  EXPECT_EQ(failure_reply_due_us(6000, 13000), 24000);
  EXPECT_EQ(failure_reply_due_us(5000, 2000000), 2560000);
  // The reply is never due before the work is done.
  for (int64_t e : {0, 1, 4999, 5000, 5001, 100000, 4999999, 5000000})
    EXPECT_GE(failure_reply_due_us(5000, e), e);
}

TEST(AuthDelay, NothingIsAddedAfterFiveSeconds) {
  EXPECT_EQ(failure_reply_due_us(6000, 5000001), 5000001);
  EXPECT_EQ(failure_reply_due_us(6000, 30000000), 30000000);
}

}  // namespace
