// The channel core of the connection protocol (RFC 4254 5): channel ids,
// open and its confirmation or failure in both directions, data under the
// window and maximum packet size each side set, EOF and CLOSE in their
// order, window adjusts, and the bounds that keep one connection from
// taking the host: channels per kind and in all, and the output backlog.
//
// What a channel carries is a backend's business (postauth/channel_backend.h):
// kinds of channel and global requests are registered by name
// (postauth/channel_kinds.h), so this file knows none of them. Types and
// requests nobody registered are refused, never a disconnect.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "postauth/backlog.h"
#include "postauth/channel_backend.h"
#include "postauth/transport.h"
#include "transport/byte_queue.h"
#include "wire/reader.h"

namespace lpsshd::postauth {

// Our receive window per channel and largest packet we accept (as sshd).
inline constexpr uint32_t kLocalWindow = 2 * 1024 * 1024;
inline constexpr uint32_t kLocalMaxPacket = 32 * 1024;
// Channels open at once, of every kind together, whoever opened them. Each
// may hold descriptors; the postauth process has RLIMIT_NOFILE's worth.
inline constexpr size_t kMaxChannels = 256;

class ChannelCore {
 public:
  explicit ChannelCore(Transport& t);
  ChannelCore(const ChannelCore&) = delete;
  ChannelCore& operator=(const ChannelCore&) = delete;
  ~ChannelCore();

  // --- kinds -------------------------------------------------------------
  // A client's CHANNEL_OPEN of one type: the handler parses the
  // type-specific data and returns the backend (which confirms the open,
  // now or later), or none with the reason to refuse.
  struct Opened {
    std::unique_ptr<ChannelBackend> backend;
    OpenFailure code = OpenFailure::kAdministrativelyProhibited;
    std::string why;
    bool protocol_error = false;  // malformed: the connection ends
  };
  using OpenHandler = std::function<Opened(ChannelSink& sink, wire::Bytes extra)>;
  // max_open: channels of this type open at once (MaxSessions for sessions).
  void on_open(std::string type, size_t max_open, OpenHandler handler);

  // A GLOBAL_REQUEST: the reply, and for a success the request-specific
  // data of REQUEST_SUCCESS (tcpip-forward's allocated port).
  struct GlobalReply {
    ChannelBackend::Reply reply = ChannelBackend::Reply::kFailure;
    std::vector<uint8_t> data;
    std::string why;
  };
  using GlobalHandler = std::function<GlobalReply(wire::Bytes body)>;
  void on_global(std::string name, GlobalHandler handler);

  // Opens a channel from this side (forwarded-tcpip, auth-agent@openssh.com):
  // `extra` is the type-specific data; make builds the backend for it. False
  // when the channel limits are reached (the caller drops what it accepted).
  bool open(std::string_view type, std::span<const uint8_t> extra,
            const std::function<std::unique_ptr<ChannelBackend>(ChannelSink&)>& make);
  // Channels of one type open now.
  size_t count(std::string_view type) const;

  // --- the event loop ------------------------------------------------------
  // One connection-layer message. False on a protocol error (the connection
  // must end; error() says why).
  bool handle(std::span<const uint8_t> msg);
  // Moves data that needs no waiting (client bytes held for a backend,
  // output backends hold in memory), sends window adjusts, and drops
  // channels that are closed on both sides. Call before each poll().
  void service();
  // Appends the descriptors to poll for the channels; on_poll() does the
  // work for them after poll() on the same vector.
  void fill_pollfds(std::vector<pollfd>& fds);
  void on_poll(const std::vector<pollfd>& fds);
  // A child exited (from SIGCHLD).
  void on_exit(pid_t pid, int status);

  const std::string& error() const { return error_; }

 private:
  class Channel;
  struct Kind {
    size_t max_open;
    OpenHandler handler;
  };

  bool on_channel_open(std::span<const uint8_t> msg);
  bool on_open_reply(uint8_t type, std::span<const uint8_t> msg);
  bool on_request(std::span<const uint8_t> msg);
  bool on_data(std::span<const uint8_t> msg, bool extended);
  bool on_window_adjust(std::span<const uint8_t> msg);
  bool on_eof_or_close(uint8_t type, std::span<const uint8_t> msg);
  bool on_global_request(std::span<const uint8_t> msg);
  // The open channel a client message names; nullptr (and error_) if none.
  Channel* find_open(uint32_t local_id, const char* what);
  uint32_t new_id();
  bool fail(const std::string& why);
  bool output_paused() const { return command_output_paused(t_) || t_.sending_paused(); }

  Transport& t_;
  std::map<std::string, Kind, std::less<>> kinds_;
  std::map<std::string, GlobalHandler, std::less<>> globals_;
  std::map<uint32_t, std::unique_ptr<Channel>> channels_;
  struct PollRange {
    uint32_t id;
    size_t first, count;
  };
  std::vector<PollRange> poll_map_;
  uint32_t next_id_ = 0;
  std::string error_;
};

}  // namespace lpsshd::postauth
