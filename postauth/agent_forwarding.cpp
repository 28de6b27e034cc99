#include "postauth/agent_forwarding.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>

#include "postauth/socket_backend.h"

namespace lpsshd::postauth {

AgentForwarding::~AgentForwarding() {
  if (!path_) return;
  listeners_.remove(id_);
  unlink(path_->c_str());
  rmdir(dir_.c_str());
}

bool AgentForwarding::start() {
  if (path_) return true;
  char dir[] = "/tmp/ssh-XXXXXXXXXX";
  // mkdtemp makes it 0700; we are the user, so the user owns it.
  if (mkdtemp(dir) == nullptr) return false;
  const std::string path = std::string(dir) + "/agent." + std::to_string(getpid());
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  memcpy(un.sun_path, path.data(), path.size());  // far below sizeof sun_path
  proc::UniqueFd s(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  // The socket itself only for the user, too (the directory already is).
  const mode_t old = umask(0177);
  const bool ok = s && bind(s.get(), reinterpret_cast<sockaddr*>(&un), sizeof un) == 0 &&
                  listen(s.get(), 128) == 0;
  umask(old);
  if (!ok) {
    unlink(path.c_str());
    rmdir(dir);
    return false;
  }
  dir_ = dir;
  path_ = path;
  id_ = listeners_.add(std::move(s), [this](int fd) { accept_one(fd); });
  return true;
}

void AgentForwarding::accept_one(int listen_fd) {
  proc::UniqueFd c(accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!c) return;
  // No type-specific data; at the channel limit the connection is dropped.
  core_.open("auth-agent@openssh.com", {}, [&c](ChannelSink& sink) {
    return std::make_unique<SocketBackend>(sink, std::move(c));
  });
}

}  // namespace lpsshd::postauth
