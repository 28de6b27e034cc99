#include "transport/byte_queue.h"

#include <algorithm>

namespace lpsshd::transport {

std::vector<uint8_t> ByteQueue::new_chunk(size_t at_least) {
  const size_t want = std::max(chunk_bytes_, at_least);
  std::vector<uint8_t> c;
  if (spare_.capacity() >= want) {
    c.swap(spare_);
    c.clear();
  } else {
    c.reserve(want);
  }
  return c;
}

// Every chunk but the last holds unconsumed bytes: a chunk is added only
// behind one that has some, so front() is never an empty piece of a
// non-empty queue.
std::vector<uint8_t>& ByteQueue::tail_with_room(size_t n) {
  if (chunks_.empty()) {
    chunks_.push_back(new_chunk(n));
  } else if (std::vector<uint8_t>& t = chunks_.back(); t.capacity() - t.size() < n) {
    if (t.empty()) {
      t.reserve(std::max(chunk_bytes_, n));
    } else {
      chunks_.push_back(new_chunk(n));
    }
  }
  return chunks_.back();
}

void ByteQueue::append(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    std::vector<uint8_t>& t = tail_with_room(1);
    const size_t n = std::min(bytes.size(), t.capacity() - t.size());
    t.insert(t.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    size_ += n;
    bytes = bytes.subspan(n);
  }
}

std::span<const uint8_t> ByteQueue::front() const {
  if (size_ == 0) return {};
  const std::vector<uint8_t>& f = chunks_.front();
  return {f.data() + head_, f.size() - head_};
}

void ByteQueue::consume(size_t n) {
  n = std::min(n, size_);
  size_ -= n;
  while (n > 0) {
    std::vector<uint8_t>& f = chunks_.front();
    const size_t avail = f.size() - head_;
    if (n < avail) {
      head_ += n;
      return;
    }
    n -= avail;
    head_ = 0;
    if (chunks_.size() == 1) {
      f.clear();  // the queue is empty: keep the chunk for what comes next
      return;
    }
    // The larger chunk is the better spare, but not one an outsized
    // append_with left: that would stay reserved for nothing.
    if (f.capacity() > spare_.capacity() && f.capacity() <= 2 * chunk_bytes_) spare_.swap(f);
    chunks_.pop_front();
  }
}

size_t ByteQueue::reserved() const {
  size_t n = spare_.capacity();
  for (const auto& c : chunks_) n += c.capacity();
  return n;
}

}  // namespace lpsshd::transport
