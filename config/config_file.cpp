// The system-call adapter: reads a configuration file with a size cap and
// hands its bytes to the pure parser.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/config.h"

namespace lpsshd::config {
namespace {

constexpr size_t kMaxFile = 1 << 20;

bool sys_fail(const std::string& path, const char* what, int err, std::string& error) {
  error = path + ": " + what + ": " + std::strerror(err);
  return false;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool load_config_file(const std::string& path, bool missing_ok, Config& cfg, std::string& error) {
  // O_NONBLOCK: opening a FIFO planted at the path must not hang the daemon;
  // the S_ISREG check below then refuses it.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) {
    if (errno == ENOENT && missing_ok) return true;
    return sys_fail(path, "open", errno, error);
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return sys_fail(path, "fstat", errno, error);
  if (!S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    return false;
  }
  // Read one byte past the cap so a file that grew after fstat is caught too.
  std::string text(kMaxFile + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail(path, "read", errno, error);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxFile) {
    error = path + ": larger than 1 MiB";
    return false;
  }
  text.resize(got);
  return parse_config_text(text, path, cfg, error);
}

}  // namespace lpsshd::config
