// Wipes an object's bytes (sodium_memzero) when the scope ends, on every
// path out: for secret temporaries that are plain arrays on the stack.
#pragma once

#include <sodium.h>

#include <type_traits>

namespace lpsshd::crypto {

template <typename T>
class ScopedWipe {
  static_assert(std::is_trivially_copyable_v<T>, "wiping bytes must be all the object needs");

 public:
  explicit ScopedWipe(T& object) : object_(object) {}
  ~ScopedWipe() { sodium_memzero(&object_, sizeof(T)); }
  ScopedWipe(const ScopedWipe&) = delete;
  ScopedWipe& operator=(const ScopedWipe&) = delete;

 private:
  T& object_;
};

}  // namespace lpsshd::crypto
