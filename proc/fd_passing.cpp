#include "proc/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace lpsshd::proc {

namespace {
constexpr size_t kMaxFds = 4;
}

namespace {
SendStatus send_with_flags(int sock, std::span<const uint8_t> data, std::span<const int> fds,
                           int flags) {
  if (fds.size() > kMaxFds) {
    errno = EINVAL;
    return SendStatus::kError;
  }
  iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))];
  if (!fds.empty()) {
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
    std::memcpy(CMSG_DATA(c), fds.data(), fds.size() * sizeof(int));
  }
  for (;;) {
    const ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
    if (n >= 0) {
      if (static_cast<size_t>(n) == data.size()) return SendStatus::kSent;
      errno = EMSGSIZE;
      return SendStatus::kError;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (flags & MSG_DONTWAIT) return SendStatus::kWouldBlock;
      return SendStatus::kError;  // SO_SNDTIMEO ran out
    }
    if (errno != EINTR) return SendStatus::kError;
  }
}
}  // namespace

bool send_datagram(int sock, std::span<const uint8_t> data, std::span<const int> fds) {
  return send_with_flags(sock, data, fds, 0) == SendStatus::kSent;
}

SendStatus try_send_datagram(int sock, std::span<const uint8_t> data, std::span<const int> fds) {
  return send_with_flags(sock, data, fds, MSG_DONTWAIT);
}

RecvStatus recv_datagram(int sock, size_t max_len, std::vector<uint8_t>& buf,
                         std::vector<UniqueFd>& fds, std::string& why) {
  fds.clear();
  // One byte more than allowed, so an oversize datagram is seen even on
  // kernels that would not flag it: MSG_TRUNC is checked as well.
  buf.resize(max_len + 1);
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return RecvStatus::kError;
  // Take ownership of every descriptor that arrived before judging anything,
  // so none leaks when the message is refused.
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        fds.emplace_back(fd);
      }
    } else {
      why = "unexpected control message";
      return RecvStatus::kViolation;
    }
  }
  if (n == 0 && fds.empty()) return RecvStatus::kClosed;
  if ((msg.msg_flags & MSG_TRUNC) || static_cast<size_t>(n) > max_len) {
    why = "oversize message";
    return RecvStatus::kViolation;
  }
  if (msg.msg_flags & MSG_CTRUNC) {
    why = "descriptors truncated";
    return RecvStatus::kViolation;
  }
  buf.resize(static_cast<size_t>(n));
  return RecvStatus::kOk;
}

}  // namespace lpsshd::proc
