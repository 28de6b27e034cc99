#include "crypto/host_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/ecdsa_host_key.h"
#include "crypto/ed25519_host_key.h"
#include "crypto/rsa_host_key.h"
#include "crypto/secret.h"

namespace lpsshd::crypto {

namespace {
constexpr off_t kMaxHostKeyFile = 64 * 1024;

std::string sys_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}
}  // namespace

std::string check_host_key_file(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return sys_error("cannot access host key", path);
  if (!S_ISREG(st.st_mode)) return "host key " + path + " is not a regular file";
  if (st.st_uid != 0) return "host key " + path + " is not owned by root";
  if ((st.st_mode & 077) != 0)
    return "host key " + path + " is accessible by group or others (run: chmod 600 " + path + ")";
  if (st.st_size > kMaxHostKeyFile) return "host key " + path + " is too large";
  return "";
}

std::unique_ptr<HostKey> load_host_key(const std::string& path, std::string& error) {
  error = check_host_key_file(path);
  if (!error.empty()) return nullptr;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) {
    error = sys_error("cannot open host key", path);
    return nullptr;
  }
  SecretBytes text(static_cast<size_t>(kMaxHostKeyFile));
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  std::string why;
  auto key = parse_openssh_private_key(
      std::string_view(reinterpret_cast<const char*>(text.data()), got), why);
  if (!key) {
    error = "host key " + path + ": " + why;
    return nullptr;
  }
  return std::move(key->key);
}

namespace {
std::unique_ptr<HostKey> new_key(transport::KeyType type) {
  switch (type) {
    case transport::KeyType::kEd25519:
      return std::make_unique<Ed25519HostKey>(Ed25519Key::generate());
    case transport::KeyType::kRsa:
      return RsaHostKey::generate(kGeneratedRsaBits);
    case transport::KeyType::kEcdsaP256:
      return EcdsaP256HostKey::generate();
    default:
      return nullptr;
  }
}
}  // namespace

std::string generate_host_key(const std::string& path, transport::KeyType type) {
  const auto key = new_key(type);
  if (!key) return "cannot generate a host key of that type for " + path;
  char host[256] = "lpsshd";
  gethostname(host, sizeof host - 1);
  const std::string comment = std::string("root@") + host;
  std::string priv = format_openssh_private_key(*key, comment);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    sodium_memzero(priv.data(), priv.size());
    return sys_error("cannot create host key", path);
  }
  const bool ok = write_all(fd, priv) && fsync(fd) == 0;
  sodium_memzero(priv.data(), priv.size());
  close(fd);
  if (!ok) {
    unlink(path.c_str());
    return sys_error("cannot write host key", path);
  }
  const std::string pub_path = path + ".pub";
  const int pfd = open(pub_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (pfd < 0) return sys_error("cannot create", pub_path);
  const bool pok = write_all(pfd, format_public_key_line(key->public_blob(), comment) + "\n");
  close(pfd);
  return pok ? "" : sys_error("cannot write", pub_path);
}

}  // namespace lpsshd::crypto
