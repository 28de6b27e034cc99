// What runs behind one channel, and what it may do towards the client.
//
// The channel core (postauth/channels.h) owns the SSH side of every channel:
// ids, both windows, the maximum packet size, EOF and CLOSE and their order,
// and the output backlog that holds the whole connection to a bound. A
// backend owns the other end: the user's process or terminal, the in-process
// SFTP server, a socket. The core knows no backend's kind; a backend sees SSH
// only through its ChannelSink, so it cannot send more than the client's
// window, or anything after CLOSE.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/reader.h"

namespace lpsshd::postauth {

// RFC 4254 5.1 reason codes for SSH_MSG_CHANNEL_OPEN_FAILURE.
enum class OpenFailure : uint32_t {
  kAdministrativelyProhibited = 1,
  kConnectFailed = 2,
  kUnknownChannelType = 3,
  kResourceShortage = 4,
};

// The core's side of one channel, as its backend sees it.
class ChannelSink {
 public:
  // A channel the client opened: the backend says whether it opened (a
  // socket backend only once its connect() finished). Until then room() is
  // 0 and nothing is sent. Only the first answer counts.
  virtual void confirm_open() = 0;
  virtual void refuse_open(OpenFailure code, std::string_view why) = 0;
  // Bytes one CHANNEL_DATA may carry now: the client's window, its maximum
  // packet size and the connection's output backlog allowing. 0: wait; the
  // core offers the backend its turn again when this changes.
  virtual size_t room() const = 0;
  // Sends at most room() bytes; stderr_stream: extended data type 1.
  virtual void data(std::span<const uint8_t> bytes, bool stderr_stream = false) = 0;
  // This side sends no more data.
  virtual void eof() = 0;
  // A channel request without reply, e.g. exit-status (the body follows
  // the want-reply byte).
  virtual void request(std::string_view type, std::span<const uint8_t> body) = 0;
  // The backend is finished: the core sends EOF (unless sent) and CLOSE.
  virtual void close() = 0;

 protected:
  ~ChannelSink() = default;
};

class ChannelBackend {
 public:
  virtual ~ChannelBackend() = default;

  // Client data, in order, within the window the core granted. Returns how
  // many bytes were taken now; the core keeps the rest and offers it again
  // (the window opens again only for bytes taken, so a backend that stops
  // taking stops the client).
  virtual size_t input(std::span<const uint8_t> bytes) = 0;
  // The client's EOF, after every byte before it was taken.
  virtual void input_eof() = 0;

  // A channel request (RFC 4254 5.4) of this channel's kind. kProtocolError
  // (with `why`) ends the connection: the request was malformed.
  enum class Reply { kSuccess, kFailure, kProtocolError };
  virtual Reply request(std::string_view type, wire::Bytes body, std::string& why) {
    (void)type, (void)body, (void)why;
    return Reply::kFailure;
  }

  // Its turn to move data without waiting: called on every turn of the
  // event loop while room() > 0 (for output held in memory, e.g. SFTP
  // replies) and after input().
  virtual void pump() {}
  // Descriptors to wait for. input_pending: the core holds client bytes for
  // input(); can_output: room() > 0.
  virtual void add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) = 0;
  // After poll(): exactly the entries this backend added, in order.
  virtual void on_poll(std::span<const pollfd> mine) = 0;
  // A child process ended (SIGCHLD): true if it was this backend's.
  virtual bool on_exit(pid_t pid, int status) {
    (void)pid, (void)status;
    return false;
  }
  // A channel this side opened (e.g. forwarded-tcpip) was confirmed.
  virtual void opened() {}
  // The client's CLOSE while this backend still has client bytes to take:
  // true keeps the backend until it took them (a socket the peer reads
  // slowly must still get every byte sent before CLOSE); false drops them
  // with the backend (a process's unread stdin).
  virtual bool drain_on_close() const { return false; }
};

}  // namespace lpsshd::postauth
