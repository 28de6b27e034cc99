#include "transport/packet_stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace lpsshd::transport {

PacketStream::PacketStream(int fd) : fd_(fd) { in_.reserve(64 * 1024); }

IoResult PacketStream::fill_one_packet() {
  const size_t have = in_.size() - in_off_;
  const size_t need = decoder_.bytes_needed(input());
  return fill(need > have ? need - have : 1);
}

IoResult PacketStream::fill(size_t max_bytes) {
  if (input_full()) return IoResult::kAgain;
  // Reclaim consumed space before growing.
  if (in_off_ > 0) {
    in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(in_off_));
    in_off_ = 0;
  }
  const size_t want = std::min<size_t>({kMaxBuffered - in_.size(), 256 * 1024, max_bytes});
  const size_t old = in_.size();
  in_.resize(old + want);
  ssize_t n;
  do {
    n = ::read(fd_, in_.data() + old, want);
  } while (n < 0 && errno == EINTR);
  in_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n > 0) return IoResult::kOk;
  if (n == 0) return IoResult::kEof;
  return (errno == EAGAIN || errno == EWOULDBLOCK) ? IoResult::kAgain : IoResult::kError;
}

PacketDecoder::Result PacketStream::next(std::vector<uint8_t>& payload, std::string& why) {
  size_t used = 0;
  auto r = decoder_.decode(input(), used, payload, why);
  if (r == PacketDecoder::Result::kPacket) in_off_ += used;
  return r;
}

void PacketStream::send(std::span<const uint8_t> payload) {
  out_.append_with(PacketEncoder::max_encoded(payload.size(), encoder_.compressing()),
                   [&](std::vector<uint8_t>& chunk) { encoder_.encode(payload, chunk); });
}

// One send(2) per contiguous piece (the preauth sandbox allows send, not
// sendmsg, on the client socket); a piece holds several packets.
IoResult PacketStream::flush() {
  // A packet the encoder refused (its key used up) must not be skipped over.
  if (encoder_.exhausted()) return IoResult::kError;
  while (!out_.empty()) {
    const auto piece = out_.front();
    const ssize_t n = ::send(fd_, piece.data(), piece.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return (errno == EAGAIN || errno == EWOULDBLOCK) ? IoResult::kAgain : IoResult::kError;
    }
    out_.consume(static_cast<size_t>(n));
    // A short write: the socket is full, and another send would only say so.
    if (static_cast<size_t>(n) < piece.size()) return IoResult::kAgain;
  }
  return IoResult::kOk;
}

}  // namespace lpsshd::transport
