// The identification-string exchange of RFC 4253 4.2. The server sends its
// line first; the client may send other lines before its "SSH-" line. This
// parser is pure: it is fed raw bytes and says how many it consumed.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace lpsshd::transport {

inline constexpr size_t kMaxVersionLine = 255;    // RFC 4253: including CR LF
inline constexpr size_t kMaxPreVersionLines = 64;
inline constexpr size_t kMaxPreVersionBytes = 8192;

class VersionParser {
 public:
  enum class Status { kNeedMore, kDone, kError };

  // Looks at all bytes received so far (buf), from the start. On kDone,
  // version() is the client's line without CR LF and consumed() says where
  // the binary packets begin. On kError, error() says why.
  Status parse(std::span<const uint8_t> buf);

  const std::string& version() const { return version_; }
  size_t consumed() const { return consumed_; }
  const std::string& error() const { return error_; }

 private:
  std::string version_, error_;
  size_t consumed_ = 0;
};

// The server's identification line (without CR LF).
std::string server_version_string();

}  // namespace lpsshd::transport
