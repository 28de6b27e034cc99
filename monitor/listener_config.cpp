#include "monitor/listener_config.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "log/log.h"
#include "monitor/listener_protocol.h"

namespace lpsshd::monitor {

bool read_listener_config(config::Config& cfg) {
  constexpr int kConfigFd = listener_protocol::kConfigFd;
  std::string text;
  char buf[8192];
  // pread from offset 0: the listener shares one sealed memfd (and its file
  // offset) among all monitors.
  for (off_t off = 0;;) {
    const ssize_t n = pread(kConfigFd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    off += n;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1u << 20)) return false;
  }
  close(kConfigFd);
  std::string error;
  if (!config::parse_config_text(text, "listener", cfg, error)) {
    log::error("%s", error.c_str());
    return false;
  }
  return true;
}

}  // namespace lpsshd::monitor
