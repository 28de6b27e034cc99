// A first-in first-out queue of bytes waiting for a slow descriptor: encoded
// packets for the client's socket, channel data for a command's stdin. The
// bytes live in chunks, and a chunk is released as soon as its last byte has
// been consumed, so the memory held follows what is queued now. (A single
// buffer that is cleared only once it has emptied grows with everything
// that passed through it whenever its reader never quite catches up.)
//
// Pure: no system calls; the caller writes front() and then consume()s what
// the descriptor took.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace lpsshd::transport {

class ByteQueue {
 public:
  // Large enough for a few maximum packets, so that chunk boundaries waste
  // little and a bulk transfer allocates rarely.
  static constexpr size_t kDefaultChunk = 128 * 1024;

  explicit ByteQueue(size_t chunk_bytes = kDefaultChunk) : chunk_bytes_(chunk_bytes) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Copies bytes in at the back.
  void append(std::span<const uint8_t> bytes);

  // Lets fill(std::vector<uint8_t>&) append up to max_bytes at the back,
  // in one piece (as PacketEncoder::encode does), to a chunk that has room
  // for them, so that it does not reallocate.
  template <class Fill>
  void append_with(size_t max_bytes, Fill&& fill) {
    std::vector<uint8_t>& tail = tail_with_room(max_bytes);
    const size_t before = tail.size();
    fill(tail);
    size_ += tail.size() - before;
  }

  // The first bytes in one contiguous piece (empty when the queue is).
  std::span<const uint8_t> front() const;
  // Drops the first n bytes (n <= size()).
  void consume(size_t n);

  // How many chunks hold bytes now, and the bytes of memory all chunks
  // reserve, the spare included (for tests of the bound).
  size_t chunks() const { return chunks_.size(); }
  size_t reserved() const;

 private:
  std::vector<uint8_t>& tail_with_room(size_t n);
  std::vector<uint8_t> new_chunk(size_t at_least);

  size_t chunk_bytes_;
  std::deque<std::vector<uint8_t>> chunks_;
  size_t head_ = 0;  // bytes of chunks_.front() already consumed
  size_t size_ = 0;
  // The last chunk emptied, kept for the next one: a steady stream reuses
  // two or three chunks instead of allocating one per chunk of traffic.
  std::vector<uint8_t> spare_;
};

}  // namespace lpsshd::transport
