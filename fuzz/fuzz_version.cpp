// Identification-string exchange (RFC 4253 4.2). Beyond "never crashes": a
// kDone answer lies inside the input, names an SSH-2 line that ends right at
// consumed(), and does not depend on how TCP cut the bytes: cut off at
// consumed() they give the same answer, one byte earlier they need more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "transport/version.h"

using lpsshd::transport::VersionParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  VersionParser p;
  if (p.parse(in) != VersionParser::Status::kDone) return 0;
  const size_t n = p.consumed();
  if (n == 0 || n > size || data[n - 1] != '\n') abort();
  const auto& v = p.version();
  if (!v.starts_with("SSH-2.0-") && !v.starts_with("SSH-1.99-")) abort();
  if (v.size() + 1 > n || v.find('\n') != v.npos || v.find('\0') != v.npos) abort();

  VersionParser again;
  if (again.parse(in.first(n)) != VersionParser::Status::kDone || again.consumed() != n ||
      again.version() != v)
    abort();
  if (VersionParser().parse(in.first(n - 1)) != VersionParser::Status::kNeedMore) abort();
  return 0;
}
