// Admission control in the listener (sshd/admission.h): MaxStartups random
// early drop, PerSourceMaxStartups per PerSourceNetBlockSize block,
// PerSourcePenalties with their exempt list, and the PreauthUidRange pool.
// Admission is pure (clock and random draw are arguments), so every case
// here is exact.
#include "sshd/admission.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include "config/config.h"
#include "monitor/listener_protocol.h"

namespace lpsshd::sshd {

// Verdicts by name in failure messages (found by ADL in Admission's namespace).
void PrintTo(Admission::Verdict v, std::ostream* os) { *os << Admission::describe(v); }

namespace {

namespace lp = listener_protocol;
using V = Admission::Verdict;

// A SourceAddress as the listener builds it from an accepted socket.
SourceAddress addr(const std::string& text) {
  SourceAddress a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.v6 = false;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), a.bytes.data()), 1) << text;
    a.v6 = true;
  }
  a.text = text;
  return a;
}

// A Config from sshd_config text (so the tests use the parser's values).
config::Config cfg_from(std::string_view text) {
  config::Config cfg;
  std::string error;
  EXPECT_TRUE(config::parse_config_text(text, "test", cfg, error)) << error;
  return cfg;
}

const char* name(V v) { return Admission::describe(v); }

// ------------------------------------------------------------ MaxStartups

TEST(AdmissionMaxStartups, DefaultsAreTenThirtyHundred) {
  config::Config cfg;
  EXPECT_EQ(cfg.max_startups.start, 10);
  EXPECT_EQ(cfg.max_startups.rate, 30);
  EXPECT_EQ(cfg.max_startups.full, 100);
  EXPECT_EQ(cfg.per_source_max_startups, 10);
  EXPECT_EQ(cfg.per_source_netblock_v4, 32);
  EXPECT_EQ(cfg.per_source_netblock_v6, 64);  // an IPv6 /64 is one source
}

TEST(AdmissionMaxStartups, BelowStartEverythingIsAdmitted) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 9; ++p) {
    EXPECT_EQ(a.check(src, 0, 0), V::kAdmit) << p;
    a.started(p, src);
  }
  EXPECT_EQ(a.unauthenticated(), 9);
  // Still below start: even a draw of 0 is admitted.
  EXPECT_EQ(a.check(src, 0, 0), V::kAdmit);
}

TEST(AdmissionMaxStartups, AtStartDropIffRandomBelowRate) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 10; ++p) a.started(p, src);
  ASSERT_EQ(a.unauthenticated(), 10);
  for (int r = 0; r < 30; ++r) EXPECT_EQ(a.check(src, 0, r), V::kRandomDrop) << "random " << r;
  for (int r = 30; r < 100; ++r) EXPECT_EQ(a.check(src, 0, r), V::kAdmit) << "random " << r;
}

// Drop probability (percent) for n unauthenticated connections: the number
// of draws in [0, 100) that are dropped.
int drop_percent(const Admission& a, const SourceAddress& src) {
  int dropped = 0;
  for (int r = 0; r < 100; ++r) {
    const V v = a.check(src, 0, r);
    EXPECT_TRUE(v == V::kAdmit || v == V::kRandomDrop || v == V::kFull) << name(v);
    if (v != V::kAdmit) ++dropped;
  }
  return dropped;
}

TEST(AdmissionMaxStartups, DropRisesLinearlyToFullAtFull) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  pid_t p = 1;
  int previous = 0;
  for (int n = 0; n < 100; ++n) {
    ASSERT_EQ(a.unauthenticated(), n);
    const int want = n < 10 ? 0 : 30 + 70 * (n - 10) / 90;
    const int got = drop_percent(a, src);
    EXPECT_EQ(got, want) << "n=" << n;
    EXPECT_GE(got, previous) << "n=" << n;  // monotonic
    previous = got;
    a.started(p++, src);
  }
  // Half way (n = 55): 30 + 70 * 45 / 90 = 65.
  // At full: refused whatever the draw, as kFull (not a random drop).
  ASSERT_EQ(a.unauthenticated(), 100);
  for (int r = 0; r < 100; ++r) EXPECT_EQ(a.check(src, 0, r), V::kFull) << r;
  a.started(p++, src);
  EXPECT_EQ(a.check(src, 0, 99), V::kFull);
}

TEST(AdmissionMaxStartups, HalfWayIsSixtyFivePercent) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 55; ++p) a.started(p, src);
  EXPECT_EQ(a.check(src, 0, 64), V::kRandomDrop);
  EXPECT_EQ(a.check(src, 0, 65), V::kAdmit);
}

TEST(AdmissionMaxStartups, SingleValueMeansHardLimit) {
  // "MaxStartups 5" = 5:100:5: nothing random, refused at 5.
  Admission a(cfg_from("MaxStartups 5\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 4; ++p) a.started(p, src);
  EXPECT_EQ(a.check(src, 0, 0), V::kAdmit);
  a.started(5, src);
  EXPECT_EQ(a.check(src, 0, 99), V::kFull);
}

TEST(AdmissionMaxStartups, StartEqualsFullIsFull) {
  Admission a(cfg_from("MaxStartups 3:10:3\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 2; ++p) a.started(p, src);
  EXPECT_EQ(a.check(src, 0, 0), V::kAdmit);
  a.started(3, src);
  EXPECT_EQ(a.check(src, 0, 99), V::kFull);
}

TEST(AdmissionMaxStartups, AuthenticatedAndEndedLowerTheCount) {
  Admission a(cfg_from("MaxStartups 2:50:4\nPerSourceMaxStartups none\n"));
  const auto src = addr("192.0.2.1");
  for (pid_t p = 1; p <= 4; ++p) a.started(p, src);
  EXPECT_EQ(a.unauthenticated(), 4);
  EXPECT_EQ(a.check(src, 0, 99), V::kFull);

  a.authenticated(1);
  EXPECT_EQ(a.unauthenticated(), 3);
  EXPECT_NE(a.check(src, 0, 99), V::kFull);
  // Twice is once.
  a.authenticated(1);
  EXPECT_EQ(a.unauthenticated(), 3);

  a.ended(2, lp::kExitNoAuth, 0);
  EXPECT_EQ(a.unauthenticated(), 2);
  // An authenticated connection that ends is not subtracted again.
  a.ended(1, lp::kExitNormal, 0);
  EXPECT_EQ(a.unauthenticated(), 2);
  // Unknown monitors change nothing.
  a.authenticated(999);
  a.ended(998, lp::kExitAuthFail, 0);
  EXPECT_EQ(a.unauthenticated(), 2);
  // Ending twice is ending once.
  a.ended(2, lp::kExitNoAuth, 0);
  EXPECT_EQ(a.unauthenticated(), 2);

  a.ended(3, lp::kExitNormal, 0);
  a.ended(4, lp::kExitNormal, 0);
  EXPECT_EQ(a.unauthenticated(), 0);
  EXPECT_EQ(a.check(src, 0, 0), V::kAdmit);
}

// ------------------------------------------------- known-good source reserve

// Fills MaxStartups with connections from many attacker addresses.
void fill(Admission& a, pid_t& pid, int n) {
  for (int i = 0; i < n; ++i) a.started(pid++, addr("203.0.113." + std::to_string(i % 250 + 1)), 100);
}

TEST(AdmissionKnownGood, SourceThatAuthenticatedPassesAFullMaxStartups) {
  Admission a(cfg_from("MaxStartups 10:30:100\n"));
  const auto user = addr("198.51.100.20");
  pid_t pid = 1;
  a.started(pid, user, 100);
  a.authenticated(pid++, 100);
  EXPECT_TRUE(a.known_good(user, 100));
  fill(a, pid, 100);
  ASSERT_EQ(a.unauthenticated(), 100);
  const auto stranger = addr("198.51.100.21");
  EXPECT_EQ(a.check(stranger, 200, 99), V::kFull);
  EXPECT_EQ(a.check(user, 200, 0), V::kAdmit);
  // Past the random early drop too.
  Admission b(cfg_from("MaxStartups 10:30:100\n"));
  pid = 1;
  b.started(pid, user, 100);
  b.authenticated(pid++, 100);
  fill(b, pid, 50);
  EXPECT_EQ(b.check(stranger, 200, 0), V::kRandomDrop);
  EXPECT_EQ(b.check(user, 200, 0), V::kAdmit);
}

TEST(AdmissionKnownGood, TheReserveIsBounded) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  EXPECT_EQ(a.good_reserve(), 10);
  const auto user = addr("198.51.100.30");
  pid_t pid = 1;
  a.started(pid, user, 100);
  a.authenticated(pid++, 100);
  fill(a, pid, 100);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(a.check(user, 200, 99), V::kAdmit) << i;
    a.started(pid++, user, 200);
  }
  EXPECT_EQ(a.unauthenticated_good(), 10);
  EXPECT_EQ(a.unauthenticated(), 110);  // full + reserve, never more
  EXPECT_EQ(a.check(user, 200, 99), V::kFull);
  // One of them authenticates: its place in the reserve is free again.
  a.authenticated(pid - 1, 201);
  EXPECT_EQ(a.unauthenticated_good(), 9);
  EXPECT_EQ(a.check(user, 201, 99), V::kAdmit);
  // A tenth of full when that is more.
  EXPECT_EQ(Admission(cfg_from("MaxStartups 10:30:1000\n")).good_reserve(), 100);
}

TEST(AdmissionKnownGood, OnlyAuthenticationMakesASourceGood) {
  Admission a(cfg_from("MaxStartups 10:30:100\n"));
  const auto x = addr("198.51.100.40");
  pid_t pid = 1;
  for (int code : {lp::kExitNormal, lp::kExitNoAuth, lp::kExitAuthFail, lp::kExitGraceExceeded}) {
    a.started(pid, x, 100);
    a.ended(pid++, code, 100);
  }
  EXPECT_FALSE(a.known_good(x, 100));
  EXPECT_EQ(a.known_good_blocks(), 0u);
}

TEST(AdmissionKnownGood, ItExpires) {
  Admission a(cfg_from("MaxStartups 10:30:100\n"));
  const auto user = addr("198.51.100.50");
  pid_t pid = 1;
  a.started(pid, user, 1000);
  a.authenticated(pid++, 1000);
  EXPECT_TRUE(a.known_good(user, 1000 + Admission::kGoodSourceSeconds - 1));
  EXPECT_FALSE(a.known_good(user, 1000 + Admission::kGoodSourceSeconds));
  fill(a, pid, 100);
  EXPECT_EQ(a.check(user, 1000 + Admission::kGoodSourceSeconds, 0), V::kFull);
}

TEST(AdmissionKnownGood, CoversTheNetBlock) {
  Admission a(cfg_from("MaxStartups 10:30:100\n"));  // IPv6 /64 by default
  pid_t pid = 1;
  a.started(pid, addr("2001:db8:1:2::10"), 100);
  a.authenticated(pid++, 100);
  fill(a, pid, 100);
  EXPECT_EQ(a.check(addr("2001:db8:1:2::99"), 100, 99), V::kAdmit);
  EXPECT_EQ(a.check(addr("2001:db8:1:3::10"), 100, 99), V::kFull);
}

TEST(AdmissionKnownGood, PenaltiesAndPerSourceLimitsStillApply) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups 2\nPerSourcePenalties authfail:30 min:15\n"));
  const auto user = addr("198.51.100.60");
  pid_t pid = 1;
  a.started(pid, user, 100);
  a.authenticated(pid++, 100);
  a.started(pid++, user, 100);
  a.started(pid++, user, 100);
  EXPECT_EQ(a.check(user, 100, 99), V::kPerSource);
  a.ended(pid - 1, lp::kExitAuthFail, 100);  // 30 s >= min 15
  EXPECT_EQ(a.check(user, 100, 99), V::kPenalty);
}

TEST(AdmissionKnownGood, TheTableIsBounded) {
  Admission a(cfg_from("MaxStartups 10:30:100\nPerSourceMaxStartups none\n"));
  pid_t pid = 1;
  const size_t n = Admission::kMaxGoodSources + 500;
  for (size_t i = 0; i < n; ++i) {
    SourceAddress s;
    s.bytes[0] = 10;
    s.bytes[1] = static_cast<uint8_t>(i >> 16);
    s.bytes[2] = static_cast<uint8_t>(i >> 8);
    s.bytes[3] = static_cast<uint8_t>(i);
    a.started(pid, s, static_cast<int64_t>(i));
    a.authenticated(pid++, static_cast<int64_t>(i));
    a.ended(pid - 1, lp::kExitNormal, static_cast<int64_t>(i));
  }
  EXPECT_EQ(a.known_good_blocks(), Admission::kMaxGoodSources);
  SourceAddress newest, oldest;
  newest.bytes = {10, 0, static_cast<uint8_t>((n - 1) >> 8), static_cast<uint8_t>(n - 1)};
  oldest.bytes = {10, 0, 0, 0};
  EXPECT_TRUE(a.known_good(newest, static_cast<int64_t>(n)));
  EXPECT_FALSE(a.known_good(oldest, static_cast<int64_t>(n)));
}

// ------------------------------------------------------ PerSourceMaxStartups

TEST(AdmissionPerSource, LimitPerAddressByDefault) {
  Admission a(config::Config{});  // 10 per /32
  const auto x = addr("198.51.100.7");
  const auto y = addr("198.51.100.8");
  for (pid_t p = 1; p <= 10; ++p) {
    EXPECT_EQ(a.check(x, 0, 99), V::kAdmit) << p;
    a.started(p, x);
  }
  EXPECT_EQ(a.check(x, 0, 99), V::kPerSource);
  EXPECT_STREQ(name(a.check(x, 0, 99)), "past PerSourceMaxStartups");
  // The neighbour address is another /32.
  EXPECT_EQ(a.check(y, 0, 99), V::kAdmit);
  // Authentication frees a slot of the source.
  a.authenticated(3);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
  a.started(11, x);
  EXPECT_EQ(a.check(x, 0, 99), V::kPerSource);
  // And so does the end of a connection.
  a.ended(4, lp::kExitNoAuth, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, ExplicitLimit) {
  Admission a(cfg_from("PerSourceMaxStartups 2\n"));
  const auto x = addr("203.0.113.5");
  a.started(1, x);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
  a.started(2, x);
  EXPECT_EQ(a.check(x, 0, 99), V::kPerSource);
}

TEST(AdmissionPerSource, NoneMeansUnlimited) {
  Admission a(cfg_from("PerSourceMaxStartups none\nMaxStartups 1000:30:1000\n"));
  const auto x = addr("203.0.113.5");
  for (pid_t p = 1; p <= 500; ++p) a.started(p, x);
  EXPECT_EQ(a.check(x, 0, 0), V::kAdmit);
}

TEST(AdmissionPerSource, NetBlock24SharesTheLimit) {
  Admission a(cfg_from("PerSourceMaxStartups 3\nPerSourceNetBlockSize 24\n"));
  const auto a1 = addr("10.1.2.3");
  const auto a2 = addr("10.1.2.200");
  const auto other = addr("10.1.3.3");
  a.started(1, a1);
  a.started(2, a2);
  a.started(3, a1);
  EXPECT_EQ(a.check(a1, 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(a2, 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("10.1.2.0"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("10.1.2.255"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(other, 0, 99), V::kAdmit);
  a.ended(2, lp::kExitNormal, 0);
  EXPECT_EQ(a.check(a1, 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, NetBlockNotOnAByteBoundary) {
  Admission a(cfg_from("PerSourceMaxStartups 1\nPerSourceNetBlockSize 20\n"));
  a.started(1, addr("10.0.16.1"));
  EXPECT_EQ(a.check(addr("10.0.31.255"), 0, 99), V::kPerSource);  // 10.0.16.0/20
  EXPECT_EQ(a.check(addr("10.0.15.255"), 0, 99), V::kAdmit);
  EXPECT_EQ(a.check(addr("10.0.32.0"), 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, NetBlockZeroIsOneBlock) {
  Admission a(cfg_from("PerSourceMaxStartups 1\nPerSourceNetBlockSize 0:0\n"));
  a.started(1, addr("10.0.0.1"));
  EXPECT_EQ(a.check(addr("192.0.2.1"), 0, 99), V::kPerSource);
  // IPv4 and IPv6 are never the same block.
  EXPECT_EQ(a.check(addr("2001:db8::1"), 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, Ipv6DefaultIsPerSlash64) {
  // One host (or subscriber) has a whole /64: the default counts it once.
  Admission a(cfg_from("PerSourceMaxStartups 1\n"));
  a.started(1, addr("2001:db8:0:7::1"));
  EXPECT_EQ(a.check(addr("2001:db8:0:7::1"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8:0:7::2"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8:0:7:ffff:ffff:ffff:ffff"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8:0:8::1"), 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, Ipv4OnlySettingKeepsTheIpv6Default) {
  // "PerSourceNetBlockSize 24" says nothing about IPv6: still /64 there.
  Admission a(cfg_from("PerSourceMaxStartups 1\nPerSourceNetBlockSize 24\n"));
  a.started(1, addr("2001:db8:0:7::1"));
  EXPECT_EQ(a.check(addr("2001:db8:0:7::99"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8:0:9::1"), 0, 99), V::kAdmit);
  const auto c = cfg_from("PerSourceNetBlockSize 24\n");
  EXPECT_EQ(c.per_source_netblock_v4, 24);
  EXPECT_EQ(c.per_source_netblock_v6, 64);
}

TEST(AdmissionPerSource, Ipv6PerAddressIfConfigured) {
  Admission a(cfg_from("PerSourceMaxStartups 1\nPerSourceNetBlockSize 32:128\n"));
  a.started(1, addr("2001:db8::1"));
  EXPECT_EQ(a.check(addr("2001:db8::1"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8::2"), 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, Ipv6Slash64Blocks) {
  Admission a(cfg_from("PerSourceMaxStartups 2\nPerSourceNetBlockSize 32:64\n"));
  a.started(1, addr("2001:db8:1:2::1"));
  a.started(2, addr("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(a.check(addr("2001:db8:1:2:abcd::9"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("2001:db8:1:3::1"), 0, 99), V::kAdmit);
  EXPECT_EQ(a.check(addr("2001:db8:1:1::1"), 0, 99), V::kAdmit);
  // The v4 part of the setting stays /32.
  a.started(3, addr("10.0.0.1"));
  a.started(4, addr("10.0.0.1"));
  EXPECT_EQ(a.check(addr("10.0.0.1"), 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("10.0.0.2"), 0, 99), V::kAdmit);
}

TEST(AdmissionPerSource, CheckedBeforeMaxStartups) {
  // A source over its own limit is told so even when the draw would admit.
  Admission a(cfg_from("PerSourceMaxStartups 2\nMaxStartups 2:30:10\n"));
  const auto x = addr("192.0.2.9");
  a.started(1, x);
  a.started(2, x);
  EXPECT_EQ(a.check(x, 0, 99), V::kPerSource);
  EXPECT_EQ(a.check(addr("192.0.2.10"), 0, 99), V::kAdmit);
  EXPECT_EQ(a.check(addr("192.0.2.10"), 0, 0), V::kRandomDrop);
}

// ------------------------------------------------------------ Penalties

TEST(AdmissionPenalties, DefaultsAreTheDocumentedOnes) {
  const config::Penalties p;
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.crash, 90u);
  EXPECT_EQ(p.authfail, 5u);
  EXPECT_EQ(p.noauth, 1u);
  EXPECT_EQ(p.grace_exceeded, 10u);
  EXPECT_EQ(p.max, 600u);
  EXPECT_EQ(p.min, 15u);
}

// Starts and ends one connection from src with exit code `code` at `now`.
void one(Admission& a, pid_t& next_pid, const SourceAddress& src, int code, int64_t now) {
  a.started(next_pid, src);
  a.ended(next_pid, code, now);
  ++next_pid;
}

TEST(AdmissionPenalties, AuthFailsAccumulateUntilMin) {
  Admission a(config::Config{});  // authfail 5, min 15
  const auto x = addr("192.0.2.50");
  pid_t pid = 100;
  const int64_t t = 1000;
  one(a, pid, x, lp::kExitAuthFail, t);
  EXPECT_EQ(a.penalty_left(x, t), 5);
  EXPECT_EQ(a.check(x, t, 99), V::kAdmit);
  one(a, pid, x, lp::kExitAuthFail, t);
  EXPECT_EQ(a.penalty_left(x, t), 10);
  EXPECT_EQ(a.check(x, t, 99), V::kAdmit);
  one(a, pid, x, lp::kExitAuthFail, t);
  EXPECT_EQ(a.penalty_left(x, t), 15);
  EXPECT_EQ(a.check(x, t, 99), V::kPenalty);
  EXPECT_STREQ(name(V::kPenalty), "penalty: source is penalised");
  // Other sources are not affected.
  EXPECT_EQ(a.check(addr("192.0.2.51"), t, 99), V::kAdmit);
}

TEST(AdmissionPenalties, ActivePenaltyHoldsUntilItExpires) {
  // Once the source is refused it stays refused for the whole penalty (as in
  // OpenSSH's srclimit: an active penalty lasts until its expiry), not only
  // while more than `min` seconds of it are left.
  Admission a(config::Config{});
  const auto x = addr("192.0.2.50");
  pid_t pid = 100;
  const int64_t t = 1000;
  for (int i = 0; i < 3; ++i) one(a, pid, x, lp::kExitAuthFail, t);
  for (int64_t s = 0; s < 15; ++s) {
    EXPECT_EQ(a.check(x, t + s, 99), V::kPenalty) << "at +" << s << " s";
    EXPECT_EQ(a.penalty_left(x, t + s), 15 - s);
  }
  EXPECT_EQ(a.penalty_left(x, t + 15), 0);
  EXPECT_EQ(a.check(x, t + 15, 99), V::kAdmit);
  EXPECT_EQ(a.check(x, t + 100, 99), V::kAdmit);
}

TEST(AdmissionPenalties, ExpiredPenaltyStartsAfresh) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.50");
  pid_t pid = 100;
  one(a, pid, x, lp::kExitAuthFail, 0);
  one(a, pid, x, lp::kExitAuthFail, 0);  // until 10
  // Long after: the old 10 s are gone, a new failure counts from now.
  one(a, pid, x, lp::kExitAuthFail, 100);
  EXPECT_EQ(a.penalty_left(x, 100), 5);
  EXPECT_EQ(a.check(x, 100, 99), V::kAdmit);
}

TEST(AdmissionPenalties, FailuresSpreadOverTimeAccumulateOnTheRemainder) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.50");
  pid_t pid = 100;
  one(a, pid, x, lp::kExitAuthFail, 0);  // until 5
  one(a, pid, x, lp::kExitAuthFail, 2);  // until 10
  EXPECT_EQ(a.penalty_left(x, 2), 8);
  one(a, pid, x, lp::kExitAuthFail, 3);  // until 15: 12 left, below min
  EXPECT_EQ(a.penalty_left(x, 3), 12);
  EXPECT_EQ(a.check(x, 3, 99), V::kAdmit);
  one(a, pid, x, lp::kExitAuthFail, 4);  // until 20: 16 left
  EXPECT_EQ(a.check(x, 4, 99), V::kPenalty);
}

TEST(AdmissionPenalties, CappedAtMax) {
  Admission a(cfg_from("PerSourcePenalties authfail:5 max:20 min:15\n"));
  const auto x = addr("192.0.2.60");
  pid_t pid = 1;
  for (int i = 0; i < 50; ++i) one(a, pid, x, lp::kExitAuthFail, 0);
  EXPECT_EQ(a.penalty_left(x, 0), 20);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
  EXPECT_EQ(a.check(x, 20, 99), V::kAdmit);

  Admission d(config::Config{});  // max 600
  for (int i = 0; i < 1000; ++i) one(d, pid, x, lp::kExitAuthFail, 7);
  EXPECT_EQ(d.penalty_left(x, 7), 600);
  // A failure later adds to what is left (607 - 300 + 5)...
  one(d, pid, x, lp::kExitAuthFail, 300);
  EXPECT_EQ(d.penalty_left(x, 300), 312);
  // ...and never past now + max.
  for (int i = 0; i < 100; ++i) one(d, pid, x, lp::kExitAuthFail, 300);
  EXPECT_EQ(d.penalty_left(x, 300), 600);
}

TEST(AdmissionPenalties, AmountPerExitCode) {
  const auto x = addr("192.0.2.70");
  pid_t pid = 1;
  struct Case {
    int code;
    int64_t left;
  };
  // Defaults: crash 90, authfail 5, noauth 1, grace-exceeded 10.
  for (const Case c : {Case{lp::kExitCrash, 90}, Case{lp::kExitAuthFail, 5}, Case{lp::kExitNoAuth, 1},
                       Case{lp::kExitGraceExceeded, 10}, Case{lp::kExitNormal, 0},
                       Case{lp::kExitError, 0}}) {
    Admission a(config::Config{});
    one(a, pid, x, c.code, 50);
    EXPECT_EQ(a.penalty_left(x, 50), c.left) << "exit code " << c.code;
  }
}

TEST(AdmissionPenalties, ConfiguredAmounts) {
  const auto x = addr("192.0.2.71");
  pid_t pid = 1;
  const auto cfg = cfg_from("PerSourcePenalties crash:40 authfail:7 noauth:3 grace-exceeded:20 max:1000 min:15\n");
  struct Case {
    int code;
    int64_t left;
  };
  for (const Case c : {Case{lp::kExitCrash, 40}, Case{lp::kExitAuthFail, 7}, Case{lp::kExitNoAuth, 3},
                       Case{lp::kExitGraceExceeded, 20}}) {
    Admission a(cfg);
    one(a, pid, x, c.code, 0);
    EXPECT_EQ(a.penalty_left(x, 0), c.left) << "exit code " << c.code;
    EXPECT_EQ(a.check(x, 0, 99), c.left >= 15 ? V::kPenalty : V::kAdmit) << "exit code " << c.code;
  }
}

TEST(AdmissionPenalties, OneCrashIsEnough) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.72");
  pid_t pid = 1;
  one(a, pid, x, lp::kExitCrash, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
  EXPECT_EQ(a.check(x, 89, 99), V::kPenalty);
  EXPECT_EQ(a.check(x, 90, 99), V::kAdmit);
}

TEST(AdmissionPenalties, NoAuthNeedsFifteen) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.73");
  pid_t pid = 1;
  for (int i = 0; i < 14; ++i) one(a, pid, x, lp::kExitNoAuth, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
  one(a, pid, x, lp::kExitNoAuth, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, GraceExceededTwiceIsEnough) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.74");
  pid_t pid = 1;
  one(a, pid, x, lp::kExitGraceExceeded, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
  one(a, pid, x, lp::kExitGraceExceeded, 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, NormalExitAddsNothing) {
  Admission a(config::Config{});
  const auto x = addr("192.0.2.75");
  pid_t pid = 1;
  for (int i = 0; i < 100; ++i) {
    a.started(pid, x);
    a.authenticated(pid);
    a.ended(pid, lp::kExitNormal, 0);
    ++pid;
  }
  EXPECT_EQ(a.penalty_left(x, 0), 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
  // Nor does a normal exit shorten an existing penalty.
  for (int i = 0; i < 3; ++i) one(a, pid, x, lp::kExitAuthFail, 0);
  one(a, pid, x, lp::kExitNormal, 0);
  EXPECT_EQ(a.penalty_left(x, 0), 15);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, ZeroAmountAddsNothing) {
  Admission a(cfg_from("PerSourcePenalties crash:0\n"));
  const auto x = addr("192.0.2.76");
  pid_t pid = 1;
  one(a, pid, x, lp::kExitCrash, 0);
  EXPECT_EQ(a.penalty_left(x, 0), 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
}

TEST(AdmissionPenalties, PenaltyCoversTheNetBlock) {
  Admission a(cfg_from("PerSourceNetBlockSize 24:64\n"));
  pid_t pid = 1;
  for (int i = 0; i < 3; ++i) one(a, pid, addr("10.9.8.1"), lp::kExitAuthFail, 0);
  EXPECT_EQ(a.check(addr("10.9.8.77"), 0, 99), V::kPenalty);
  EXPECT_EQ(a.check(addr("10.9.9.1"), 0, 99), V::kAdmit);
  one(a, pid, addr("2001:db8:0:5::1"), lp::kExitCrash, 0);
  EXPECT_EQ(a.check(addr("2001:db8:0:5:1:2:3:4"), 0, 99), V::kPenalty);
  EXPECT_EQ(a.check(addr("2001:db8:0:6::1"), 0, 99), V::kAdmit);
}

TEST(AdmissionPenalties, ReasonNamesWhatEarnedIt) {
  // sshd's words, for the "drop connection ... penalty: ..." line.
  Admission a(cfg_from("PerSourcePenalties crash:90 authfail:10 noauth:20 grace-exceeded:20 min:15\n"));
  pid_t pid = 1;
  const struct {
    const char* src;
    int code;
    const char* reason;
  } cases[] = {
      {"192.0.2.90", lp::kExitCrash, "penalty: caused crash"},
      {"192.0.2.91", lp::kExitAuthFail, "penalty: failed authentication"},
      {"192.0.2.92", lp::kExitNoAuth, "penalty: connections without attempting authentication"},
      {"192.0.2.93", lp::kExitGraceExceeded, "penalty: exceeded LoginGraceTime"},
  };
  for (const auto& c : cases) {
    const auto x = addr(c.src);
    one(a, pid, x, c.code, 0);
    one(a, pid, x, c.code, 0);
    EXPECT_EQ(a.check(x, 0, 99), V::kPenalty) << c.src;
    EXPECT_STREQ(a.penalty_reason(x), c.reason) << c.src;
  }
  // The latest addition names it.
  const auto y = addr("192.0.2.91");
  one(a, pid, y, lp::kExitCrash, 0);
  EXPECT_STREQ(a.penalty_reason(y), "penalty: caused crash");
  // Never penalised: the generic wording.
  EXPECT_STREQ(a.penalty_reason(addr("192.0.2.99")), Admission::describe(V::kPenalty));
}

TEST(AdmissionPenalties, PenaltyComesBeforeTheOtherLimits) {
  Admission a(cfg_from("PerSourceMaxStartups 1\n"));
  const auto x = addr("192.0.2.77");
  pid_t pid = 1;
  one(a, pid, x, lp::kExitCrash, 0);
  a.started(pid++, x);
  EXPECT_EQ(a.check(x, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, ExemptCidrNeverPenalised) {
  Admission a(cfg_from("PerSourcePenaltyExemptList 192.0.2.0/24 2001:db8::/32\n"));
  pid_t pid = 1;
  for (const char* s : {"192.0.2.1", "192.0.2.254", "2001:db8::5"}) {
    const auto x = addr(s);
    for (int i = 0; i < 20; ++i) one(a, pid, x, lp::kExitAuthFail, 0);
    one(a, pid, x, lp::kExitCrash, 0);
    one(a, pid, x, lp::kExitGraceExceeded, 0);
    EXPECT_EQ(a.penalty_left(x, 0), 0) << s;
    EXPECT_EQ(a.check(x, 0, 99), V::kAdmit) << s;
  }
  // Just outside the exempt block: penalised as usual.
  const auto out = addr("192.0.3.1");
  one(a, pid, out, lp::kExitCrash, 0);
  EXPECT_EQ(a.check(out, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, ExemptSingleAddressAndCommaList) {
  Admission a(cfg_from("PerSourcePenaltyExemptList 127.0.0.1,10.0.0.0/8\n"));
  pid_t pid = 1;
  for (const char* s : {"127.0.0.1", "10.200.1.1"}) {
    const auto x = addr(s);
    one(a, pid, x, lp::kExitCrash, 0);
    EXPECT_EQ(a.check(x, 0, 99), V::kAdmit) << s;
  }
  const auto y = addr("127.0.0.2");
  one(a, pid, y, lp::kExitCrash, 0);
  EXPECT_EQ(a.check(y, 0, 99), V::kPenalty);
}

TEST(AdmissionPenalties, ExemptSourceInAPenalisedBlockIsAdmitted) {
  // The exempt address shares a /24 with a penalised one: still admitted.
  Admission a(cfg_from("PerSourceNetBlockSize 24\nPerSourcePenaltyExemptList 10.1.1.1\n"));
  pid_t pid = 1;
  one(a, pid, addr("10.1.1.2"), lp::kExitCrash, 0);
  EXPECT_EQ(a.check(addr("10.1.1.3"), 0, 99), V::kPenalty);
  EXPECT_EQ(a.check(addr("10.1.1.1"), 0, 99), V::kAdmit);
}

TEST(AdmissionPenalties, ExemptDoesNotLiftPerSourceLimit) {
  Admission a(cfg_from("PerSourceMaxStartups 1\nPerSourcePenaltyExemptList 127.0.0.1\n"));
  a.started(1, addr("127.0.0.1"));
  EXPECT_EQ(a.check(addr("127.0.0.1"), 0, 99), V::kPerSource);
}

TEST(AdmissionPenalties, NoDisablesPenalties) {
  Admission a(cfg_from("PerSourcePenalties no\n"));
  const auto x = addr("192.0.2.80");
  pid_t pid = 1;
  for (int i = 0; i < 10; ++i) one(a, pid, x, lp::kExitCrash, 0);
  for (int i = 0; i < 50; ++i) one(a, pid, x, lp::kExitAuthFail, 0);
  EXPECT_EQ(a.penalty_left(x, 0), 0);
  EXPECT_EQ(a.check(x, 0, 99), V::kAdmit);
}

TEST(AdmissionPenalties, ManySourcesStayCorrect) {
  // Enough penalised sources to trigger the clean-up of expired entries.
  Admission a(cfg_from("PerSourcePenalties crash:20 min:15 max:600\nPerSourceMaxStartups none\n"));
  pid_t pid = 1;
  for (uint32_t i = 0; i < 70000; ++i) {
    SourceAddress s;
    s.bytes[0] = 10;
    s.bytes[1] = static_cast<uint8_t>(i >> 16);
    s.bytes[2] = static_cast<uint8_t>(i >> 8);
    s.bytes[3] = static_cast<uint8_t>(i);
    s.text = "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
             std::to_string(i & 255);
    // Half of them long ago (expired by t = 1000), half recently.
    one(a, pid, s, lp::kExitCrash, i < 35000 ? 0 : 1000);
  }
  EXPECT_EQ(a.check(addr("10.0.0.1"), 1000, 99), V::kAdmit);          // expired
  EXPECT_EQ(a.check(addr("10.1.17.111"), 1000, 99), V::kPenalty);  // i = 69999, recent
  EXPECT_EQ(a.check(addr("10.1.17.111"), 1005, 99), V::kPenalty);
  EXPECT_EQ(a.check(addr("10.1.17.111"), 1020, 99), V::kAdmit);
  EXPECT_EQ(a.unauthenticated(), 0);
}

// ------------------------------------------------------------------ UidPool

TEST(UidPool, DisabledWhenFirstIsZero) {
  UidPool p(0, 0);
  EXPECT_FALSE(p.enabled());
  const config::Config none = cfg_from("PreauthUidRange none\n");
  EXPECT_EQ(none.preauth_uid_first, 0u);
  UidPool q(none.preauth_uid_first, none.preauth_uid_last);
  EXPECT_FALSE(q.enabled());
}

TEST(UidPool, DistinctUidsThenExhaustion) {
  UidPool p(5000, 5015);
  EXPECT_TRUE(p.enabled());
  std::set<uint32_t> got;
  for (int i = 0; i < 16; ++i) {
    const uint32_t u = p.take(0);
    EXPECT_GE(u, 5000u);
    EXPECT_LE(u, 5015u);
    EXPECT_TRUE(got.insert(u).second) << "uid " << u << " handed out twice";
  }
  EXPECT_EQ(got.size(), 16u);
  EXPECT_EQ(p.take(0), 0u);
  EXPECT_EQ(p.take(12345), 0u);
}

TEST(UidPool, GiveBackReuses) {
  UidPool p(5000, 5015);
  for (int i = 0; i < 16; ++i) p.take(static_cast<uint32_t>(i * 7));
  ASSERT_EQ(p.take(0), 0u);
  p.give_back(5009);
  EXPECT_EQ(p.take(3), 5009u);
  EXPECT_EQ(p.take(3), 0u);
  // Ids outside the range are ignored.
  p.give_back(4999);
  p.give_back(5016);
  p.give_back(0);
  EXPECT_EQ(p.take(0), 0u);
}

TEST(UidPool, StartHintPicksAndWraps) {
  UidPool p(5000, 5015);  // 16 ids
  EXPECT_EQ(p.take(3), 5003u);
  EXPECT_EQ(p.take(3), 5004u);     // next free after the hint
  EXPECT_EQ(p.take(16 + 5), 5005u);  // hint modulo the size
  EXPECT_EQ(p.take(15), 5015u);
  EXPECT_EQ(p.take(15), 5000u);    // wraps around to the start
}

TEST(UidPool, LargeHintWraps) {
  UidPool p(100, 115);
  // 0xffffffff % 16 = 15.
  EXPECT_EQ(p.take(0xffffffffu), 115u);
  // 15 is taken now: the next one after it wraps to the first id.
  EXPECT_EQ(p.take(0xffffffffu), 100u);
}

TEST(UidPool, DefaultRangeFromConfig) {
  config::Config cfg;
  UidPool p(cfg.preauth_uid_first, cfg.preauth_uid_last);
  EXPECT_TRUE(p.enabled());
  const uint32_t u = p.take(0);
  EXPECT_EQ(u, cfg.preauth_uid_first);
  const uint32_t v = p.take(cfg.preauth_uid_last - cfg.preauth_uid_first);
  EXPECT_EQ(v, cfg.preauth_uid_last);
}

}  // namespace
}  // namespace lpsshd::sshd
