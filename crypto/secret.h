// Secret bytes: a move-only buffer that is wiped with sodium_memzero when it
// dies or is reassigned. Keys, shared secrets and seeds live only in these.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <span>
#include <vector>

namespace lpsshd::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : v_(n) {}
  explicit SecretBytes(std::span<const uint8_t> b) : v_(b.begin(), b.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept : v_(std::move(o.v_)) { o.v_.clear(); }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      v_ = std::move(o.v_);
      o.v_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  void wipe() {
    if (!v_.empty()) sodium_memzero(v_.data(), v_.size());
    v_.clear();
  }
  // Grows without leaving stale copies behind: reallocation would otherwise
  // free an unwiped block.
  void append(std::span<const uint8_t> b) {
    if (v_.size() + b.size() > v_.capacity()) {
      std::vector<uint8_t> n;
      n.reserve((v_.size() + b.size()) * 2);
      n.assign(v_.begin(), v_.end());
      wipe();
      v_ = std::move(n);
    }
    v_.insert(v_.end(), b.begin(), b.end());
  }
  SecretBytes clone() const { return SecretBytes(span()); }

  uint8_t* data() { return v_.data(); }
  const uint8_t* data() const { return v_.data(); }
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  std::span<const uint8_t> span() const { return {v_.data(), v_.size()}; }

 private:
  std::vector<uint8_t> v_;
};

}  // namespace lpsshd::crypto
