// Hex for test vectors: what the published files and other implementations
// print. A malformed string fails the test that gave it.
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lpsshd::test {

inline std::vector<uint8_t> unhex(std::string_view hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  EXPECT_EQ(hex.size() % 2, 0u) << hex;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr), 0)
      << hex;
  EXPECT_EQ(len, out.size()) << hex;
  return out;
}

inline std::string hex(std::span<const uint8_t> b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}

}  // namespace lpsshd::test
