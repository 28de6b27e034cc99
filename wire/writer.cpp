#include "wire/writer.h"

namespace lpsshd::wire {

Writer& Writer::u8(uint8_t v) {
  buf_.push_back(v);
  return *this;
}

Writer& Writer::u32(uint32_t v) {
  const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  buf_.insert(buf_.end(), b, b + 4);
  return *this;
}

Writer& Writer::u64(uint64_t v) {
  u32(uint32_t(v >> 32));
  return u32(uint32_t(v));
}

Writer& Writer::string(std::span<const uint8_t> v) {
  u32(static_cast<uint32_t>(v.size()));
  return raw(v);
}

Writer& Writer::string(std::string_view v) {
  u32(static_cast<uint32_t>(v.size()));
  return raw(v);
}

Writer& Writer::raw(std::span<const uint8_t> v) {
  buf_.insert(buf_.end(), v.begin(), v.end());
  return *this;
}

Writer& Writer::raw(std::string_view v) {
  buf_.insert(buf_.end(), v.begin(), v.end());
  return *this;
}

Writer& Writer::mpint_unsigned(std::span<const uint8_t> be) {
  size_t i = 0;
  while (i < be.size() && be[i] == 0) ++i;
  auto mag = be.subspan(i);
  if (mag.empty()) return u32(0);
  const bool pad = (mag[0] & 0x80) != 0;
  u32(static_cast<uint32_t>(mag.size() + (pad ? 1 : 0)));
  if (pad) u8(0);
  return raw(mag);
}

}  // namespace lpsshd::wire
