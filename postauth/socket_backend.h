// A channel relayed to a socket: direct-tcpip and direct-streamlocal opens
// (the socket connects on the client's behalf), and the channels this side
// opens for accepted connections (forwarded-tcpip, forwarded-streamlocal,
// auth-agent). Everything is non-blocking: a client's open is confirmed
// only once connect() finished, and refused with its error otherwise.
//
// Half-close both ways, as sshd: the client's EOF shuts down our write
// side; the socket's EOF is the channel's EOF; the channel closes when both
// directions are done or on a socket error.
#pragma once

#include <sys/socket.h>

#include <vector>

#include "postauth/channel_backend.h"
#include "proc/unique_fd.h"

namespace lpsshd::postauth {

struct ConnectAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

class SocketBackend final : public ChannelBackend {
 public:
  // An accepted or otherwise connected socket (a channel we open).
  SocketBackend(ChannelSink& sink, proc::UniqueFd connected);
  // A client's open: connects to each address in turn until one succeeds,
  // then confirms the open; refuses it when all failed. Check failed()
  // right after construction: an immediate failure already refused.
  SocketBackend(ChannelSink& sink, std::vector<ConnectAddress> candidates);

  size_t input(std::span<const uint8_t> bytes) override;
  void input_eof() override;
  void add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) override;
  void on_poll(std::span<const pollfd> mine) override;
  // Bytes the client sent before its CLOSE still reach the socket.
  bool drain_on_close() const override { return true; }

  bool failed() const { return failed_; }

 private:
  void try_next(int last_error);
  void read_some();
  void finish_if_done();
  void fail_channel();

  ChannelSink& sink_;
  proc::UniqueFd fd_;
  std::vector<ConnectAddress> candidates_;
  size_t next_ = 0;
  bool connecting_ = false, failed_ = false;
  bool read_done_ = false, write_done_ = false, closed_ = false;
};

}  // namespace lpsshd::postauth
