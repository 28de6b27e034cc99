#include "transport/version.h"

#include <cstring>
#include <string_view>

namespace lpsshd::transport {

VersionParser::Status VersionParser::parse(std::span<const uint8_t> buf) {
  size_t pos = 0, lines = 0;
  while (true) {
    const auto* start = buf.data() + pos;
    const size_t avail = buf.size() - pos;
    const auto* nl = static_cast<const uint8_t*>(std::memchr(start, '\n', avail));
    if (nl == nullptr) {
      if (avail >= kMaxVersionLine) {
        error_ = "identification line too long";
        return Status::kError;
      }
      return Status::kNeedMore;
    }
    size_t len = static_cast<size_t>(nl - start) + 1;
    if (len > kMaxVersionLine) {
      error_ = "identification line too long";
      return Status::kError;
    }
    std::string_view line(reinterpret_cast<const char*>(start), len - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos += len;
    if (line.starts_with("SSH-")) {
      if (!line.starts_with("SSH-2.0-") && !line.starts_with("SSH-1.99-")) {
        error_ = "protocol major versions differ";
        return Status::kError;
      }
      if (line.find('\0') != std::string_view::npos) {
        error_ = "NUL byte in identification string";
        return Status::kError;
      }
      version_.assign(line);
      consumed_ = pos;
      return Status::kDone;
    }
    if (++lines > kMaxPreVersionLines || pos > kMaxPreVersionBytes) {
      error_ = "too many lines before identification string";
      return Status::kError;
    }
  }
}

std::string server_version_string() { return "SSH-2.0-lpsshd_" LPSSHD_VERSION; }

}  // namespace lpsshd::transport
