// transport::ByteQueue: bytes come out in the order they went in, and the
// memory held follows what is queued, not what has passed through.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "transport/byte_queue.h"

using lpsshd::transport::ByteQueue;

namespace {

std::vector<uint8_t> pattern(size_t n, uint32_t& next) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(next++ * 131 + 7);
  return v;
}

// Takes up to n bytes from the front, the way a writer does: front()
// pieces, consume() what was "written".
std::vector<uint8_t> take(ByteQueue& q, size_t n) {
  std::vector<uint8_t> out;
  while (out.size() < n && !q.empty()) {
    auto piece = q.front();
    EXPECT_FALSE(piece.empty()) << "front() empty while size() is " << q.size();
    if (piece.empty()) break;
    const size_t k = std::min(piece.size(), n - out.size());
    out.insert(out.end(), piece.begin(), piece.begin() + static_cast<ptrdiff_t>(k));
    q.consume(k);
  }
  return out;
}

TEST(ByteQueue, StartsEmpty) {
  ByteQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_TRUE(q.front().empty());
  EXPECT_EQ(q.reserved(), 0u);
}

TEST(ByteQueue, KeepsOrderAcrossChunks) {
  ByteQueue q(16);
  uint32_t next = 0;
  const auto a = pattern(40, next);  // spans three chunks
  q.append(a);
  EXPECT_EQ(q.size(), 40u);
  EXPECT_EQ(q.chunks(), 3u);
  EXPECT_EQ(q.front().size(), 16u);
  EXPECT_EQ(take(q, 40), a);
  EXPECT_TRUE(q.empty());
}

TEST(ByteQueue, MatchesAReferenceQueueUnderRandomUse) {
  std::mt19937 rng(12345);
  ByteQueue q(1000);
  std::deque<uint8_t> ref;
  uint32_t next = 0;
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 2 == 0) {
      const auto bytes = pattern(rng() % 3000, next);
      if (rng() % 2 == 0) {
        q.append(bytes);
      } else {
        // Like PacketEncoder::encode: appends to the vector it is given.
        q.append_with(bytes.size(), [&](std::vector<uint8_t>& v) {
          v.insert(v.end(), bytes.begin(), bytes.end());
        });
      }
      ref.insert(ref.end(), bytes.begin(), bytes.end());
    } else {
      const auto got = take(q, rng() % 4000);
      ASSERT_LE(got.size(), ref.size());
      ASSERT_TRUE(std::equal(got.begin(), got.end(), ref.begin()));
      ref.erase(ref.begin(), ref.begin() + static_cast<ptrdiff_t>(got.size()));
    }
    ASSERT_EQ(q.size(), ref.size());
  }
}

// The regression this queue exists for: a reader that takes most, but
// never all, of what is queued. Memory must follow the backlog (here under
// 64 KiB) however much passes through (here 256 MiB).
TEST(ByteQueue, MemoryFollowsTheBacklogNotTheTraffic) {
  constexpr size_t kChunk = 16 * 1024;
  ByteQueue q(kChunk);
  const std::vector<uint8_t> packet(32 * 1024 + 100, 0xab);
  size_t passed = 0, max_reserved = 0;
  while (passed < 256u * 1024 * 1024) {
    q.append(packet);
    passed += take(q, q.size() > 32 * 1024 ? q.size() - 1000 : 0).size();
    max_reserved = std::max(max_reserved, q.reserved());
  }
  EXPECT_LT(max_reserved, 64u * 1024 + 3 * kChunk);
}

TEST(ByteQueue, AppendWithReservesRoomSoTheTailDoesNotReallocate) {
  ByteQueue q(1024);
  q.append(std::vector<uint8_t>(1000, 1));
  const uint8_t* first = q.front().data();
  // 24 bytes are left in the first chunk: 100 must go to a new one.
  q.append_with(100, [](std::vector<uint8_t>& v) {
    const size_t cap = v.capacity();
    v.resize(v.size() + 100, 2);
    EXPECT_EQ(v.capacity(), cap);
  });
  EXPECT_EQ(q.chunks(), 2u);
  EXPECT_EQ(q.front().data(), first);  // earlier bytes did not move
  EXPECT_EQ(q.size(), 1100u);
  // Larger than a chunk: a chunk of its own, in one piece.
  q.consume(1000);
  q.append_with(5000, [](std::vector<uint8_t>& v) { v.resize(v.size() + 5000, 3); });
  EXPECT_EQ(take(q, 100), std::vector<uint8_t>(100, 2));
  EXPECT_EQ(q.front().size(), 5000u);
}

TEST(ByteQueue, AnAppendWithThatAddsNothingLeavesNoEmptyPiece) {
  ByteQueue q(64);
  q.append(std::vector<uint8_t>(60, 1));
  q.append_with(32, [](std::vector<uint8_t>&) {});  // a new, empty tail chunk
  q.append_with(100, [](std::vector<uint8_t>& v) { v.resize(v.size() + 100, 2); });
  EXPECT_EQ(q.size(), 160u);
  EXPECT_EQ(take(q, 60), std::vector<uint8_t>(60, 1));
  EXPECT_EQ(q.front().size(), 100u);
  EXPECT_EQ(take(q, 100), std::vector<uint8_t>(100, 2));
  EXPECT_TRUE(q.empty());
}

// A queue that empties keeps one chunk, and a steady stream reuses the
// spare instead of allocating: reserved memory stops growing.
TEST(ByteQueue, ReusesChunksOnceEmptied) {
  ByteQueue q(4096);
  const std::vector<uint8_t> block(3000, 9);
  for (int i = 0; i < 4; ++i) q.append(block);
  take(q, q.size());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.chunks(), 1u);
  const size_t settled = q.reserved();
  EXPECT_LE(settled, 2u * 4096);
  for (int i = 0; i < 1000; ++i) {
    q.append(block);
    q.append(block);
    take(q, 4000);
    take(q, q.size());
  }
  EXPECT_EQ(q.reserved(), settled);
}

}  // namespace
