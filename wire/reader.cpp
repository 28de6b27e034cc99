#include "wire/reader.h"

#include <cstring>

namespace lpsshd::wire {

bool Reader::take(size_t n, const uint8_t*& p) {
  if (!ok_ || n > data_.size() - pos_) {
    ok_ = false;
    return false;
  }
  p = data_.data() + pos_;
  pos_ += n;
  return true;
}

bool Reader::u8(uint8_t& out) {
  const uint8_t* p;
  if (!take(1, p)) return false;
  out = p[0];
  return true;
}

bool Reader::boolean(bool& out) {
  uint8_t v;
  if (!u8(v)) return false;
  out = v != 0;
  return true;
}

bool Reader::strict_boolean(bool& out) {
  uint8_t v;
  if (!u8(v)) return false;
  if (v > 1) {
    ok_ = false;
    return false;
  }
  out = v == 1;
  return true;
}

bool Reader::expect_u8(uint8_t expected) {
  uint8_t v;
  if (!u8(v)) return false;
  if (v != expected) {
    ok_ = false;
    return false;
  }
  return true;
}

bool Reader::u32(uint32_t& out) {
  const uint8_t* p;
  if (!take(4, p)) return false;
  out = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  return true;
}

bool Reader::u64(uint64_t& out) {
  uint32_t hi, lo;
  if (!u32(hi) || !u32(lo)) return false;
  out = (uint64_t{hi} << 32) | lo;
  return true;
}

bool Reader::string(Bytes& out) {
  uint32_t len;
  const uint8_t* p;
  if (!u32(len) || !take(len, p)) return false;
  out = Bytes(p, len);
  return true;
}

bool Reader::text(std::string& out, size_t max_len) {
  Bytes b;
  if (!string(b)) return false;
  if (b.size() > max_len || std::memchr(b.data(), 0, b.size()) != nullptr) {
    ok_ = false;
    return false;
  }
  out.assign(reinterpret_cast<const char*>(b.data()), b.size());
  return true;
}

bool Reader::fixed_string(Bytes& out, size_t n) {
  Bytes b;
  if (!string(b)) return false;
  if (b.size() != n) {
    ok_ = false;
    return false;
  }
  out = b;
  return true;
}

bool Reader::mpint_unsigned(Bytes& out, size_t max_bytes) {
  Bytes b;
  if (!string(b)) return false;
  // Negative (top bit set), or a leading zero byte that is not needed to
  // keep the top bit clear: both have a second encoding of the same value.
  const bool negative = !b.empty() && (b[0] & 0x80) != 0;
  const bool padded = !b.empty() && b[0] == 0 && (b.size() == 1 || (b[1] & 0x80) == 0);
  if (negative || padded) {
    ok_ = false;
    return false;
  }
  if (!b.empty() && b[0] == 0) b = b.subspan(1);
  if (b.size() > max_bytes) {
    ok_ = false;
    return false;
  }
  out = b;
  return true;
}

bool Reader::raw(Bytes& out, size_t n) {
  const uint8_t* p;
  if (!take(n, p)) return false;
  out = Bytes(p, n);
  return true;
}

bool Reader::sub(Reader& out) {
  Bytes b;
  if (!string(b)) return false;
  out = Reader(b);
  return true;
}

Bytes Reader::rest() {
  if (!ok_) return {};
  Bytes b = data_.subspan(pos_);
  pos_ = data_.size();
  return b;
}

}  // namespace lpsshd::wire
