// transport::PacketStream's output over a real (non-blocking) socket whose
// reader is slow: packets arrive whole and in order however the socket
// splits them, and output_size() is what is still waiting.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "transport/packet_stream.h"

using namespace lpsshd::transport;

namespace {

struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() {
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
    fcntl(fd[0], F_SETFL, O_NONBLOCK);
    int small = 4096;  // a full socket after a few packets
    setsockopt(fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  }
  ~SocketPair() {
    close(fd[0]);
    close(fd[1]);
  }
};

std::vector<uint8_t> payload(int i) {
  std::vector<uint8_t> p(1 + (i * 7919) % 40000);
  p[0] = 94;  // not that the stream cares
  for (size_t k = 1; k < p.size(); ++k) p[k] = static_cast<uint8_t>(i + k);
  return p;
}

TEST(PacketStream, SlowReaderGetsEveryPacketInOrder) {
  SocketPair sp;
  PacketStream out(sp.fd[0]);
  PacketDecoder in;
  std::vector<uint8_t> received;
  int sent = 0, decoded = 0, short_flushes = 0;
  constexpr int kPackets = 400;
  while (decoded < kPackets) {
    // Keep about 200 KB queued, as a sender bounded by its backlog does.
    while (sent < kPackets && out.output_size() < 200 * 1024) out.send(payload(sent++));
    const size_t before = out.output_size();
    const IoResult r = out.flush();
    ASSERT_NE(r, IoResult::kError);
    if (r == IoResult::kOk) {
      EXPECT_EQ(out.output_size(), 0u);
    } else {
      ++short_flushes;
    }
    EXPECT_LE(out.output_size(), before);
    // The reader takes a little at a time.
    uint8_t buf[3000];
    const ssize_t n = read(sp.fd[1], buf, sizeof buf);
    ASSERT_GT(n, 0);
    received.insert(received.end(), buf, buf + n);
    size_t used = 0;
    std::vector<uint8_t> p;
    std::string why;
    while (in.decode(received, used, p, why) == PacketDecoder::Result::kPacket) {
      ASSERT_EQ(p, payload(decoded)) << "packet " << decoded;
      ++decoded;
      received.erase(received.begin(), received.begin() + static_cast<ptrdiff_t>(used));
    }
    ASSERT_TRUE(why.empty()) << why;
  }
  EXPECT_GT(short_flushes, 100);  // the socket did take a little at a time
  EXPECT_EQ(out.flush(), IoResult::kOk);
  EXPECT_EQ(out.output_size(), 0u);
}

TEST(PacketStream, RawBytesGoOutBeforeLaterPackets) {
  SocketPair sp;
  PacketStream out(sp.fd[0]);
  out.send_raw("SSH-2.0-test\r\n");
  out.send(std::vector<uint8_t>{21});
  EXPECT_EQ(out.flush(), IoResult::kOk);
  uint8_t buf[256];
  const ssize_t n = read(sp.fd[1], buf, sizeof buf);
  ASSERT_GE(n, 14 + 16);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 14), "SSH-2.0-test\r\n");
  size_t used = 0;
  std::vector<uint8_t> p;
  std::string why;
  PacketDecoder in;
  ASSERT_EQ(in.decode({buf + 14, static_cast<size_t>(n) - 14}, used, p, why),
            PacketDecoder::Result::kPacket);
  EXPECT_EQ(p, std::vector<uint8_t>{21});
}

}  // namespace
