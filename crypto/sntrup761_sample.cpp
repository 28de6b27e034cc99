#include "crypto/sntrup761_sample.h"

#include <sodium.h>

#include "crypto/sntrup761_field.h"

namespace lpsshd::crypto::sntrup761 {
namespace {

// The bitonic network sorts a power of two; the words are padded with the
// largest value, which sorts to the end and is dropped.
constexpr int kSortSize = 1024;
static_assert(kSortSize >= kP && (kSortSize & (kSortSize - 1)) == 0);

// (a, b) = (min, max) without a branch: the borrow of b - a in 64 bits is
// the mask.
void compare_exchange(uint32_t& a, uint32_t& b) {
  const uint64_t difference = uint64_t{b} - uint64_t{a};
  const uint32_t mask = static_cast<uint32_t>(
      value_barrier(-static_cast<int32_t>(static_cast<uint32_t>(difference >> 63))));
  const uint32_t t = (a ^ b) & mask;
  a ^= t;
  b ^= t;
}

}  // namespace

void words_from_bytes(RandomWords& out, std::span<const uint8_t, 4 * kP> bytes) {
  for (int i = 0; i < kP; ++i) {
    out[i] = uint32_t{bytes[4 * i]} | uint32_t{bytes[4 * i + 1]} << 8 |
             uint32_t{bytes[4 * i + 2]} << 16 | uint32_t{bytes[4 * i + 3]} << 24;
  }
}

void small_from_words(Small& out, const RandomWords& words) {
  for (int i = 0; i < kP; ++i) {
    out[i] = static_cast<int8_t>(static_cast<int32_t>(((words[i] & 0x3fffffffu) * 3) >> 30) - 1);
  }
}

void sort_constant_time(std::span<uint32_t, kP> values) {
  std::array<uint32_t, kSortSize> x;
  x.fill(0xffffffffu);
  for (int i = 0; i < kP; ++i) x[i] = values[i];
  // Bitonic sort: for each block size k, merge bitonic runs of length k with
  // strides k/2, k/4, ..., 1; the direction of a run is bit k of its index.
  for (int k = 2; k <= kSortSize; k <<= 1) {
    for (int stride = k >> 1; stride > 0; stride >>= 1) {
      for (int i = 0; i < kSortSize; ++i) {
        const int partner = i ^ stride;
        if (partner <= i) continue;  // indices only: public
        if ((i & k) == 0) {
          compare_exchange(x[i], x[partner]);
        } else {
          compare_exchange(x[partner], x[i]);
        }
      }
    }
  }
  for (int i = 0; i < kP; ++i) values[i] = x[i];
  sodium_memzero(x.data(), sizeof x);
}

void short_from_words(Small& out, const RandomWords& words) {
  RandomWords marked;
  for (int i = 0; i < kW; ++i) marked[i] = words[i] & ~uint32_t{1};
  for (int i = kW; i < kP; ++i) marked[i] = (words[i] & ~uint32_t{3}) | 1;
  sort_constant_time(marked);
  for (int i = 0; i < kP; ++i) out[i] = static_cast<int8_t>(static_cast<int32_t>(marked[i] & 3) - 1);
  sodium_memzero(marked.data(), sizeof marked);
}

}  // namespace lpsshd::crypto::sntrup761
