// The one bounds-checked reader for every untrusted byte string: SSH packets,
// monitor messages, key files. It never owns the bytes it reads; every getter
// either produces a value and advances, or fails and leaves the reader in a
// failed state where every later getter fails too ("sticky" failure), so a
// parse can check ok() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace lpsshd::wire {

using Bytes = std::span<const uint8_t>;

class Reader {
 public:
  explicit Reader(Bytes data) : data_(data) {}
  Reader(const void* p, size_t n) : data_(static_cast<const uint8_t*>(p), n) {}

  bool u8(uint8_t& out);
  bool boolean(bool& out);  // any nonzero byte is true (RFC 4251 5)
  // Only 0 or 1: for our own protocols, where an ambiguous boolean is a
  // sign of a forged message.
  bool strict_boolean(bool& out);
  // One byte that must equal `expected` (a message type).
  bool expect_u8(uint8_t expected);
  bool u32(uint32_t& out);
  bool u64(uint64_t& out);
  // SSH "string": uint32 length + bytes. The view aliases the input buffer.
  bool string(Bytes& out);
  // A string that must be text for C APIs: refuses embedded NUL bytes.
  bool text(std::string& out, size_t max_len = 1024);
  // A string of exactly n bytes (fixed-size keys, hashes, signatures).
  bool fixed_string(Bytes& out, size_t n);
  // Raw n bytes with no length prefix.
  bool raw(Bytes& out, size_t n);
  // An RFC 4251 mpint that must be non-negative and minimally encoded (no
  // superfluous leading zero byte), of at most max_bytes magnitude bytes.
  // out is the big-endian magnitude without a sign byte (empty for zero).
  bool mpint_unsigned(Bytes& out, size_t max_bytes);
  // A nested reader over the contents of one SSH string field.
  bool sub(Reader& out);
  // Remaining bytes (consumes them).
  Bytes rest();

  // True when nothing is left and no getter failed: the "expect end" check.
  bool end() const { return ok_ && pos_ == data_.size(); }
  bool ok() const { return ok_; }
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  size_t position() const { return pos_; }

 private:
  bool take(size_t n, const uint8_t*& p);
  Bytes data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

inline std::string_view as_view(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace lpsshd::wire
