// The writer matching wire::Reader: appends SSH wire encodings to a growable
// buffer it owns. Used for packets, monitor messages and key blobs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lpsshd::wire {

class Writer {
 public:
  Writer() = default;
  explicit Writer(size_t reserve) { buf_.reserve(reserve); }

  Writer& u8(uint8_t v);
  Writer& boolean(bool v) { return u8(v ? 1 : 0); }
  Writer& u32(uint32_t v);
  Writer& u64(uint64_t v);
  Writer& string(std::span<const uint8_t> v);
  Writer& string(std::string_view v);
  Writer& raw(std::span<const uint8_t> v);
  Writer& raw(std::string_view v);
  // RFC 4251 mpint from an unsigned big-endian magnitude: leading zero bytes
  // are stripped, and a 0x00 is prepended when the top bit is set.
  Writer& mpint_unsigned(std::span<const uint8_t> be);

  const std::vector<uint8_t>& bytes() const { return buf_; }
  std::vector<uint8_t>& bytes() { return buf_; }
  std::vector<uint8_t> take() { return std::move(buf_); }
  size_t size() const { return buf_.size(); }

 private:
  std::vector<uint8_t> buf_;
};

}  // namespace lpsshd::wire
