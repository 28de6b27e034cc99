// The postauth transport's clock and counters (postauth/transport.h):
// server-initiated rekeys (RekeyLimit by data, packets and time), the
// deadline of every exchange, giving up before a nonce could repeat, and
// the bound on replies deferred by an exchange. The client is a packet
// codec on the other end of a socketpair; the monitor is the other end of a
// SOCK_SEQPACKET pair whose reply is queued before the call that needs it.
#include "tests/packet_keys.h"
#include "postauth/transport.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <vector>

#include "monitor/protocol_client.h"
#include "proc/fd_passing.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

namespace lpsshd::postauth {
namespace {

using transport::PacketDecoder;

std::array<uint8_t, 64> random_key() {
  std::array<uint8_t, 64> k{};
  randombytes_buf(k.data(), k.size());
  return k;
}

class TransportClock : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    int s[2], m[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), 0);
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, m), 0);  // nothing waits
    server_sock_ = s[0], client_sock_ = s[1], child_end_ = m[0], monitor_end_ = m[1];
  }
  void TearDown() override {
    for (int fd : {server_sock_, client_sock_, child_end_, monitor_end_}) close(fd);
  }

  // A transport on keys both sides share; the session started at t=0.
  Transport& make(TransportLimits limits, uint32_t seq = 0) {
    t_ = std::make_unique<Transport>(server_sock_, child_end_, true, limits, 0);
    t_->stream().encoder().set_seq(seq);
    t_->stream().decoder().set_seq(seq);
    t_->stream().encoder().set_keys(lpsshd::testing::chacha_keys(stoc_));
    t_->stream().decoder().set_keys(lpsshd::testing::chacha_keys(ctos_));
    client_enc_.set_seq(seq), client_enc_.set_keys(lpsshd::testing::chacha_keys(ctos_));
    client_dec_.set_seq(seq), client_dec_.set_keys(lpsshd::testing::chacha_keys(stoc_));
    return *t_;
  }

  // The monitor's answer to the KexStart the next tick() may send.
  void monitor_will_start_exchange() {
    monproto::KexInitReply r;
    r.ok = true;
    r.server_kexinit = kexinit_;
    ASSERT_TRUE(monproto::send(monitor_end_, r));
  }
  // Whether the child asked the monitor for an exchange (and only that).
  bool monitor_got_kex_start() {
    std::vector<uint8_t> buf;
    std::vector<proc::UniqueFd> fds;
    std::string why;
    if (proc::recv_datagram(monitor_end_, monproto::kMaxMessage, buf, fds, why) !=
        proc::RecvStatus::kOk)
      return false;
    monproto::KexStartRequest req;
    return monproto::decode(buf, req);
  }

  // One IGNORE from the client, read by the transport.
  void client_sends_ignore(size_t bytes = 100) {
    std::vector<uint8_t> out, payload(bytes, 0);
    payload[0] = ssh::kIgnore;
    client_enc_.encode(payload, out);
    ASSERT_EQ(write(client_sock_, out.data(), out.size()), static_cast<ssize_t>(out.size()));
    ASSERT_EQ(t_->stream().fill(), transport::IoResult::kOk);
    std::vector<uint8_t> msg;
    ASSERT_EQ(t_->next(msg), Transport::Next::kNone);
  }

  // The message types the server has written, decoded as the client would.
  std::vector<uint8_t> client_receives() {
    t_->stream().flush();
    std::vector<uint8_t> in(1 << 20), types, payload;
    const ssize_t n = read(client_sock_, in.data(), in.size());
    if (n <= 0) return types;
    in.resize(static_cast<size_t>(n));
    size_t off = 0, used = 0;
    std::string why;
    while (client_dec_.decode(std::span(in).subspan(off), used, payload, why) == PacketDecoder::Result::kPacket) {
      types.push_back(payload[0]);
      off += used;
    }
    return types;
  }

  const std::vector<uint8_t> kexinit_ = {ssh::kKexInit, 1, 2, 3, 4};
  std::array<uint8_t, 64> ctos_ = random_key(), stoc_ = random_key();
  int server_sock_ = -1, client_sock_ = -1, child_end_ = -1, monitor_end_ = -1;
  std::unique_ptr<Transport> t_;
  transport::PacketEncoder client_enc_;
  transport::PacketDecoder client_dec_;
};

// RekeyLimit 10 s: no wake-up while the line is idle (an idle line is not
// rekeyed by time, and waking for nothing would spin); once a packet moved,
// the exchange starts when the keys are 10 s old, and only then.
TEST_F(TransportClock, TimeLimitWaitsForTrafficAndDoesNotSpin) {
  Transport& t = make({{uint64_t{1} << 30, 10}, 120});
  EXPECT_EQ(t.timeout_ms(20000), -1) << "idle keys: nothing to wake up for";
  EXPECT_TRUE(t.tick(20000));
  EXPECT_FALSE(t.exchanging());
  client_sends_ignore();
  EXPECT_EQ(t.timeout_ms(5000), 5000);
  EXPECT_TRUE(t.tick(5000));
  EXPECT_FALSE(monitor_got_kex_start());
  monitor_will_start_exchange();
  EXPECT_TRUE(t.tick(10000));
  EXPECT_TRUE(monitor_got_kex_start());
  EXPECT_TRUE(t.exchanging());
  EXPECT_EQ(client_receives(), std::vector<uint8_t>{ssh::kKexInit});
}

// An exchange the client never finishes ends the connection at the
// deadline, with a DISCONNECT it can read; not a millisecond before.
TEST_F(TransportClock, ExchangeDeadline) {
  Transport& t = make({{4096, 0}, 30});
  client_sends_ignore(5000);  // over the 4 KiB data limit
  monitor_will_start_exchange();
  ASSERT_TRUE(t.tick(1000));
  ASSERT_TRUE(monitor_got_kex_start());
  EXPECT_EQ(client_receives(), std::vector<uint8_t>{ssh::kKexInit});
  EXPECT_EQ(t.timeout_ms(1000), 30000);
  EXPECT_TRUE(t.tick(30999));
  EXPECT_FALSE(t.tick(31000));
  EXPECT_NE(t.error().find("not completed"), std::string::npos) << t.error();
  EXPECT_EQ(client_receives(), std::vector<uint8_t>{ssh::kDisconnect});
}

// Keys that took over at a sequence number near 2^31 are retired at once;
// near 2^32 (the peer never completed an exchange) the connection ends
// before any nonce could repeat.
TEST_F(TransportClock, SequenceNumbersNear2To32) {
  {
    Transport& t = make({}, 0);
    t.stream().encoder().set_seq(1u << 31);  // as the postauth child takes over keys
    monitor_will_start_exchange();
    EXPECT_TRUE(t.tick(0));
    EXPECT_TRUE(monitor_got_kex_start());
    EXPECT_TRUE(t.exchanging());
  }
  TearDown();
  SetUp();
  Transport& t = make({}, 0);
  t.stream().decoder().set_seq(UINT32_MAX - (1u << 20));
  EXPECT_FALSE(t.tick(0));
  EXPECT_FALSE(monitor_got_kex_start());
  EXPECT_NE(t.error().find("exhausted"), std::string::npos) << t.error();
  EXPECT_EQ(client_receives(), std::vector<uint8_t>{ssh::kDisconnect});
}

// While our KEXINIT is out, replies wait; they count toward output_size()
// (the event loop's backpressure) with their bookkeeping, and past the
// bound the connection ends instead of queueing more.
TEST_F(TransportClock, DeferredRepliesAreBounded) {
  Transport& t = make({{4096, 0}, 120});
  client_sends_ignore(5000);
  monitor_will_start_exchange();
  ASSERT_TRUE(t.tick(0));
  ASSERT_TRUE(t.sending_paused());
  const size_t base = t.queued_bytes();
  const uint8_t failure[1] = {ssh::kRequestFailure};
  t.send(failure);
  EXPECT_EQ(t.queued_bytes(), base + 1 + kDeferredOverhead);
  size_t sent = 1;
  while (t.error().empty() && sent < 2 * kMaxDeferredBytes) {
    t.send(failure);
    ++sent;
  }
  EXPECT_LE(t.queued_bytes(), base + kMaxDeferredBytes);
  EXPECT_LT(sent, kMaxDeferredBytes / kDeferredOverhead + 2);
  EXPECT_FALSE(t.tick(1));
}

}  // namespace
}  // namespace lpsshd::postauth
