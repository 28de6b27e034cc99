// A connection's byte buffers around the packet codec: received bytes not yet
// decoded, and encoded packets not yet written. The socket is non-blocking;
// the caller's event loop decides when to fill() and flush(). Received data
// is bounded: fill() stops reading once one maximum packet is buffered, so a
// peer cannot make the process hold more than that. Output is held in a
// ByteQueue, which releases what the socket took as it goes: memory follows
// output_size(), which the caller bounds by what it sends.
#pragma once

#include <cstdint>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <memory>
#include <utility>
#include <vector>

#include "transport/byte_queue.h"
#include "transport/packet.h"

namespace lpsshd::transport {

// Growing the receive buffer before a read must not zero it first: at bulk
// rates that memset showed up in profiles. Elements are default-initialised
// (left as they are) instead of value-initialised.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

enum class IoResult { kOk, kAgain, kEof, kError };

class PacketStream {
 public:
  explicit PacketStream(int fd);

  int fd() const { return fd_; }

  // Reads what the socket has, up to `max_bytes` (and the buffer bound).
  IoResult fill(size_t max_bytes = SIZE_MAX);
  // Reads at most what the next packet still needs, so nothing after it
  // leaves the socket (PacketDecoder::bytes_needed).
  IoResult fill_one_packet();
  PacketDecoder::Result next(std::vector<uint8_t>& payload, std::string& why);
  void send(std::span<const uint8_t> payload);
  void send_raw(std::string_view bytes) {
    out_.append({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  }
  IoResult flush();

  size_t output_size() const { return out_.size(); }
  bool input_full() const { return in_.size() - in_off_ >= kMaxBuffered; }
  std::span<const uint8_t> input() const { return {in_.data() + in_off_, in_.size() - in_off_}; }
  void consume_input(size_t n) { in_off_ += n; }

  PacketDecoder& decoder() { return decoder_; }
  PacketEncoder& encoder() { return encoder_; }
  const PacketDecoder& decoder() const { return decoder_; }
  const PacketEncoder& encoder() const { return encoder_; }

  static constexpr size_t kMaxBuffered = kMaxPacketLength + 4 + kMaxTagBytes + 1024;

 private:
  int fd_;
  std::vector<uint8_t, UninitializedAllocator<uint8_t>> in_;
  size_t in_off_ = 0;
  ByteQueue out_;
  PacketDecoder decoder_;
  PacketEncoder encoder_;
};

}  // namespace lpsshd::transport
