#include "postauth/socket_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

namespace lpsshd::postauth {

namespace {
// One read at most this much; the sink's room() bounds it further.
constexpr size_t kReadChunk = 32 * 1024;
}  // namespace

SocketBackend::SocketBackend(ChannelSink& sink, proc::UniqueFd connected)
    : sink_(sink), fd_(std::move(connected)) {
  const int fl = fcntl(fd_.get(), F_GETFL);
  if (fl >= 0) fcntl(fd_.get(), F_SETFL, fl | O_NONBLOCK);
}

SocketBackend::SocketBackend(ChannelSink& sink, std::vector<ConnectAddress> candidates)
    : sink_(sink), candidates_(std::move(candidates)) {
  try_next(EHOSTUNREACH);
}

// Starts connect() to the next candidate; the first that completes (now or
// on POLLOUT) confirms the open.
void SocketBackend::try_next(int last_error) {
  fd_.reset();
  connecting_ = false;
  while (next_ < candidates_.size()) {
    const ConnectAddress& a = candidates_[next_++];
    proc::UniqueFd s(socket(a.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s) {
      last_error = errno;
      continue;
    }
    if (connect(s.get(), reinterpret_cast<const sockaddr*>(&a.addr), a.len) == 0) {
      fd_ = std::move(s);
      sink_.confirm_open();
      return;
    }
    if (errno == EINPROGRESS) {
      fd_ = std::move(s);
      connecting_ = true;
      return;
    }
    last_error = errno;
  }
  failed_ = true;
  sink_.refuse_open(OpenFailure::kConnectFailed, strerror(last_error));
}

size_t SocketBackend::input(std::span<const uint8_t> bytes) {
  if (write_done_ || closed_) return bytes.size();  // nobody reads them any more
  const ssize_t n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return static_cast<size_t>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
  // The peer is gone for writing: what the client sends from now on is lost.
  fail_channel();
  return bytes.size();
}

void SocketBackend::input_eof() {
  if (closed_) return;
  shutdown(fd_.get(), SHUT_WR);
  write_done_ = true;
  finish_if_done();
}

void SocketBackend::add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) {
  short events = 0;
  if (connecting_) {
    events = POLLOUT;
  } else if (!closed_) {
    if (can_output && !read_done_) events |= POLLIN;
    if (input_pending && !write_done_) events |= POLLOUT;
  }
  // No events: a negative fd, which poll() skips, so a hang-up we cannot
  // act on yet does not wake us in a loop.
  fds.push_back({events != 0 ? fd_.get() : -1, events, 0});
}

void SocketBackend::on_poll(std::span<const pollfd> mine) {
  if (mine.empty() || mine[0].fd < 0 || mine[0].revents == 0) return;
  if (connecting_) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0) {
      connecting_ = false;
      sink_.confirm_open();
    } else {
      try_next(err);
    }
    return;
  }
  // POLLOUT needs nothing here: the core offers the held input again.
  if (mine[0].revents & (POLLIN | POLLHUP | POLLERR)) read_some();
}

void SocketBackend::read_some() {
  if (read_done_ || closed_) return;
  const size_t room = std::min(sink_.room(), kReadChunk);
  if (room == 0) return;
  uint8_t buf[kReadChunk];
  const ssize_t n = recv(fd_.get(), buf, room, MSG_DONTWAIT);
  if (n > 0) {
    sink_.data(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0) return fail_channel();
  read_done_ = true;
  sink_.eof();
  finish_if_done();
}

void SocketBackend::finish_if_done() {
  if (read_done_ && write_done_) fail_channel();
}

void SocketBackend::fail_channel() {
  if (closed_) return;
  closed_ = true;
  sink_.close();
}

}  // namespace lpsshd::postauth
