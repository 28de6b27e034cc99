// The channel core (postauth/channels.h) as a hostile client meets it: the
// windows it granted and the ones it was given, the limits on channels of
// a kind and in all, messages for channels that are not open, replies to
// opens never sent, and the order of EOF and CLOSE. The backends are fakes
// that record what reaches them; the client is a packet codec on the other
// end of a socketpair.
#include "tests/packet_keys.h"
#include "postauth/channels.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::postauth {
namespace {

// Takes at most `take` bytes of each input (everything when unlimited),
// and lets the test send through its sink.
struct FakeBackend final : ChannelBackend {
  explicit FakeBackend(ChannelSink& s, bool* destroyed = nullptr) : sink(s), gone(destroyed) {}
  ~FakeBackend() override {
    if (gone != nullptr) *gone = true;
  }
  size_t input(std::span<const uint8_t> b) override {
    const size_t n = std::min(b.size(), take);
    received.insert(received.end(), b.begin(), b.begin() + static_cast<long>(n));
    return n;
  }
  void input_eof() override { eof = true; }
  void add_pollfds(std::vector<pollfd>&, bool, bool) override {}
  void on_poll(std::span<const pollfd>) override {}
  void opened() override { was_opened = true; }

  ChannelSink& sink;
  bool* gone;
  size_t take = SIZE_MAX;
  std::vector<uint8_t> received;
  bool eof = false, was_opened = false;
};

std::array<uint8_t, 64> random_key() {
  std::array<uint8_t, 64> k{};
  randombytes_buf(k.data(), k.size());
  return k;
}

class ChannelCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    int s[2], m[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), 0);
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, m), 0);
    // Room for everything a test makes the server send.
    const int big = 8 << 20;
    setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    server_sock_ = s[0], client_sock_ = s[1], child_end_ = m[0], monitor_end_ = m[1];
    t_ = std::make_unique<Transport>(server_sock_, child_end_, true);
    t_->stream().encoder().set_keys(lpsshd::testing::chacha_keys(stoc_));
    t_->stream().decoder().set_keys(lpsshd::testing::chacha_keys(ctos_));
    client_dec_.set_keys(lpsshd::testing::chacha_keys(stoc_));
    core_ = std::make_unique<ChannelCore>(*t_);
    core_->on_open("test", 2, [this](ChannelSink& sink, wire::Bytes extra) {
      ChannelCore::Opened r;
      if (!extra.empty()) {
        r.protocol_error = true;
        return r;
      }
      auto b = std::make_unique<FakeBackend>(sink, &destroyed_);
      last_ = b.get();
      r.backend = std::move(b);
      sink.confirm_open();
      return r;
    });
    core_->on_open("many", 100000, [this](ChannelSink& sink, wire::Bytes) {
      ChannelCore::Opened r;
      r.backend = std::make_unique<FakeBackend>(sink);
      sink.confirm_open();
      return r;
    });
  }
  void TearDown() override {
    core_.reset();
    t_.reset();
    for (int fd : {server_sock_, client_sock_, child_end_, monitor_end_}) close(fd);
  }

  bool handle(const wire::Writer& w) { return core_->handle(w.bytes()); }
  bool open(std::string_view type, uint32_t sender, uint32_t window = 1 << 20,
            uint32_t max_packet = 32768) {
    wire::Writer w;
    w.u8(ssh::kChannelOpen).string(type).u32(sender).u32(window).u32(max_packet);
    return handle(w);
  }
  bool data(uint32_t recipient, size_t n, uint8_t type = ssh::kChannelData) {
    wire::Writer w;
    w.u8(type).u32(recipient);
    if (type == ssh::kChannelExtendedData) w.u32(1);
    w.string(std::vector<uint8_t>(n, 'x'));
    return handle(w);
  }
  bool ref(uint8_t type, uint32_t recipient) {
    wire::Writer w;
    w.u8(type).u32(recipient);
    return handle(w);
  }

  // Every message the server sent since the last call, as the client sees it.
  std::vector<std::vector<uint8_t>> sent() {
    t_->stream().flush();
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> buf(1 << 16);
    while (true) {
      const ssize_t n = read(client_sock_, buf.data(), buf.size());
      if (n <= 0) break;
      pending_.insert(pending_.end(), buf.begin(), buf.begin() + n);
    }
    size_t off = 0, used = 0;
    std::vector<uint8_t> payload;
    std::string why;
    while (client_dec_.decode(std::span(pending_).subspan(off), used, payload, why) ==
           transport::PacketDecoder::Result::kPacket) {
      out.push_back(payload);
      off += used;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(off));
    return out;
  }
  static uint32_t u32_at(const std::vector<uint8_t>& m, size_t at) {
    return uint32_t{m[at]} << 24 | uint32_t{m[at + 1]} << 16 | uint32_t{m[at + 2]} << 8 | m[at + 3];
  }
  // The single message of `type` among what was sent (fails the test otherwise).
  std::vector<uint8_t> only(uint8_t type) {
    std::vector<uint8_t> found;
    int n = 0;
    for (auto& m : sent())
      if (m[0] == type) found = m, ++n;
    EXPECT_EQ(n, 1) << "messages of type " << int(type);
    return found;
  }

  std::array<uint8_t, 64> ctos_ = random_key(), stoc_ = random_key();
  int server_sock_ = -1, client_sock_ = -1, child_end_ = -1, monitor_end_ = -1;
  std::unique_ptr<Transport> t_;
  std::unique_ptr<ChannelCore> core_;
  transport::PacketDecoder client_dec_;
  std::vector<uint8_t> pending_;
  FakeBackend* last_ = nullptr;
  bool destroyed_ = false;
};

TEST_F(ChannelCoreTest, UnknownTypeIsRefusedNotFatal) {
  ASSERT_TRUE(open("x11", 7));
  auto m = only(ssh::kChannelOpenFailure);
  EXPECT_EQ(u32_at(m, 1), 7u);
  EXPECT_EQ(u32_at(m, 5), 3u);  // SSH_OPEN_UNKNOWN_CHANNEL_TYPE
}

TEST_F(ChannelCoreTest, MalformedOpenDataEndsTheConnection) {
  wire::Writer w;
  w.u8(ssh::kChannelOpen).string("test").u32(1).u32(100).u32(100).u32(42);
  EXPECT_FALSE(handle(w));
}

TEST_F(ChannelCoreTest, ConfirmationCarriesOurIdAndWindow) {
  ASSERT_TRUE(open("test", 9));
  auto m = only(ssh::kChannelOpenConfirmation);
  EXPECT_EQ(u32_at(m, 1), 9u);
  EXPECT_EQ(u32_at(m, 5), 0u);             // our id
  EXPECT_EQ(u32_at(m, 9), kLocalWindow);
  EXPECT_EQ(u32_at(m, 13), kLocalMaxPacket);
}

TEST_F(ChannelCoreTest, LimitPerKindAndReuseAfterClose) {
  ASSERT_TRUE(open("test", 1));
  ASSERT_TRUE(open("test", 2));
  sent();
  ASSERT_TRUE(open("test", 3));
  auto m = only(ssh::kChannelOpenFailure);
  EXPECT_EQ(u32_at(m, 5), 4u);  // SSH_OPEN_RESOURCE_SHORTAGE
  EXPECT_EQ(core_->count("test"), 2u);
  ASSERT_TRUE(ref(ssh::kChannelClose, 0));
  ASSERT_TRUE(open("test", 4));
  only(ssh::kChannelOpenConfirmation);
  EXPECT_EQ(core_->count("test"), 2u);
}

TEST_F(ChannelCoreTest, LimitInAllNotTheHost) {
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_TRUE(open("many", i));
  int confirmed = 0, refused = 0;
  for (auto& m : sent()) {
    if (m[0] == ssh::kChannelOpenConfirmation) ++confirmed;
    if (m[0] == ssh::kChannelOpenFailure) ++refused;
  }
  EXPECT_EQ(confirmed, static_cast<int>(kMaxChannels));
  EXPECT_EQ(refused, 1000 - static_cast<int>(kMaxChannels));
  // Our side cannot open more either.
  EXPECT_FALSE(core_->open("forwarded-tcpip", {}, [](ChannelSink& s) {
    return std::make_unique<FakeBackend>(s);
  }));
}

TEST_F(ChannelCoreTest, TheWindowWeGrantedIsEnforced) {
  ASSERT_TRUE(open("test", 1));
  last_->take = 0;  // takes nothing: the window does not reopen
  for (uint32_t sent_bytes = 0; sent_bytes < kLocalWindow; sent_bytes += 32768)
    ASSERT_TRUE(data(0, 32768));
  core_->service();
  for (auto& m : sent()) EXPECT_NE(m[0], ssh::kChannelWindowAdjust) << "window reopened for bytes not taken";
  EXPECT_FALSE(data(0, 1));
  EXPECT_EQ(core_->error(), "channel window exceeded");
}

TEST_F(ChannelCoreTest, WindowReopensForWhatTheBackendTook) {
  ASSERT_TRUE(open("test", 1));
  last_->take = 0;
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(data(0, 32768));  // 1.25 MiB held
  sent();
  last_->take = SIZE_MAX;
  core_->service();
  auto m = only(ssh::kChannelWindowAdjust);
  EXPECT_EQ(u32_at(m, 5), 40u * 32768);
  EXPECT_EQ(last_->received.size(), 40u * 32768);
}

TEST_F(ChannelCoreTest, ExtendedDataFromTheClientUsesUpWindowAndIsDropped) {
  ASSERT_TRUE(open("test", 1));
  sent();
  EXPECT_FALSE(data(0, kLocalWindow + 1, ssh::kChannelExtendedData));
}

TEST_F(ChannelCoreTest, ExtendedDataIsCountedAndDropped) {
  ASSERT_TRUE(open("test", 1));
  sent();
  for (int i = 0; i < 32; ++i) ASSERT_TRUE(data(0, 32768, ssh::kChannelExtendedData));
  EXPECT_TRUE(last_->received.empty());
  auto m = only(ssh::kChannelWindowAdjust);  // dropped at once: the window reopens
  EXPECT_EQ(u32_at(m, 5), kLocalWindow / 2);
}

TEST_F(ChannelCoreTest, DataAfterEofEndsTheConnection) {
  ASSERT_TRUE(open("test", 1));
  ASSERT_TRUE(data(0, 10));
  ASSERT_TRUE(ref(ssh::kChannelEof, 0));
  EXPECT_TRUE(last_->eof);
  EXPECT_FALSE(data(0, 1));
}

TEST_F(ChannelCoreTest, MessagesForChannelsThatAreNotOpen) {
  EXPECT_FALSE(data(5, 1));
  EXPECT_FALSE(ref(ssh::kChannelEof, 5));
  EXPECT_FALSE(ref(ssh::kChannelClose, 5));
  wire::Writer adj;
  adj.u8(ssh::kChannelWindowAdjust).u32(5).u32(100);
  EXPECT_FALSE(handle(adj));
  wire::Writer req;
  req.u8(ssh::kChannelRequest).u32(5).string("exec").boolean(true).string("id");
  EXPECT_FALSE(handle(req));
  // A channel the client closed is gone: its id names nothing.
  ASSERT_TRUE(open("test", 1));
  ASSERT_TRUE(ref(ssh::kChannelClose, 0));
  EXPECT_TRUE(destroyed_);
  EXPECT_FALSE(data(0, 1));
}

TEST_F(ChannelCoreTest, RepliesToOpensWeNeverSent) {
  wire::Writer w;
  w.u8(ssh::kChannelOpenConfirmation).u32(0).u32(1).u32(100).u32(100);
  EXPECT_FALSE(handle(w));
  // Nor twice to one we did send.
  ASSERT_TRUE(core_->open("forwarded-tcpip", {}, [](ChannelSink& s) {
    return std::make_unique<FakeBackend>(s);
  }));
  ASSERT_TRUE(handle(w));
  EXPECT_FALSE(handle(w));
}

TEST_F(ChannelCoreTest, OurOpenRefusedOrConfirmed) {
  bool gone = false;
  FakeBackend* b = nullptr;
  auto make = [&](ChannelSink& s) {
    auto p = std::make_unique<FakeBackend>(s, &gone);
    b = p.get();
    return p;
  };
  ASSERT_TRUE(core_->open("forwarded-tcpip", std::vector<uint8_t>{1, 2}, make));
  auto m = only(ssh::kChannelOpen);
  wire::Reader r(m);
  wire::Bytes type;
  uint32_t id = 0;
  r.u8(m[0]);
  ASSERT_TRUE(r.string(type) && r.u32(id));
  EXPECT_EQ(wire::as_view(type), "forwarded-tcpip");
  wire::Writer no;
  no.u8(ssh::kChannelOpenFailure).u32(id).u32(2).string("refused").string("");
  ASSERT_TRUE(handle(no));
  EXPECT_TRUE(gone);
  EXPECT_EQ(core_->count("forwarded-tcpip"), 0u);

  gone = false;
  ASSERT_TRUE(core_->open("forwarded-tcpip", {}, make));
  wire::Writer yes;
  yes.u8(ssh::kChannelOpenConfirmation).u32(1).u32(77).u32(1000).u32(500);
  ASSERT_TRUE(handle(yes));
  EXPECT_TRUE(b->was_opened);
  sent();
  // The client's window and maximum packet bound what the backend may send.
  EXPECT_EQ(b->sink.room(), 500u);
  std::vector<uint8_t> big(600, 'y');
  b->sink.data(big);  // over room(): refused
  EXPECT_TRUE(sent().empty());
  b->sink.data(std::span(big).first(500));
  b->sink.data(std::span(big).first(500));
  EXPECT_EQ(b->sink.room(), 0u) << "1000 window, 1000 sent";
  b->sink.data(std::span(big).first(1));
  auto msgs = sent();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(u32_at(msgs[0], 1), 77u);  // the client's id
}

TEST_F(ChannelCoreTest, CloseOrderAndNothingAfterIt) {
  ASSERT_TRUE(open("test", 3));
  sent();
  FakeBackend* b = last_;
  b->sink.close();
  auto msgs = sent();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0][0], ssh::kChannelEof);
  EXPECT_EQ(msgs[1][0], ssh::kChannelClose);
  core_->service();  // the finished backend is released at once
  EXPECT_TRUE(destroyed_);
  // The client may still send until its CLOSE: dropped, no reply.
  ASSERT_TRUE(data(0, 100));
  wire::Writer req;
  req.u8(ssh::kChannelRequest).u32(0).string("exec").boolean(true).string("id");
  ASSERT_TRUE(handle(req));
  EXPECT_TRUE(sent().empty());
  ASSERT_TRUE(ref(ssh::kChannelClose, 0));
  EXPECT_TRUE(sent().empty()) << "CLOSE is sent once";
  EXPECT_EQ(core_->count("test"), 0u);
}

TEST_F(ChannelCoreTest, UnknownGlobalRequestsGetFailure) {
  wire::Writer w;
  w.u8(ssh::kGlobalRequest).string("keepalive@openssh.com").boolean(true);
  ASSERT_TRUE(handle(w));
  only(ssh::kRequestFailure);
  wire::Writer quiet;
  quiet.u8(ssh::kGlobalRequest).string("no-more-sessions@openssh.com").boolean(false);
  ASSERT_TRUE(handle(quiet));
  EXPECT_TRUE(sent().empty());
}

}  // namespace
}  // namespace lpsshd::postauth
