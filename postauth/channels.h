// The connection protocol (RFC 4254) for session channels: open, data in
// both directions under window and packet-size flow control, EOF, close,
// exit-status and exit-signal. The session requests (pty-req, shell, exec,
// env, window-change, signal, break) are in session_requests.cpp. Requests
// not supported yet are refused with a FAILURE reply, never a disconnect.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "monitor/protocol.h"
#include "wire/reader.h"
#include "postauth/backlog.h"
#include "postauth/transport.h"
#include "postauth/user_process.h"
#include "transport/byte_queue.h"

namespace lpsshd::postauth {

// Our receive window per channel and largest packet we accept (as sshd).
inline constexpr uint32_t kLocalWindow = 2 * 1024 * 1024;
inline constexpr uint32_t kLocalMaxPacket = 32 * 1024;

// A session's terminal: the master stays here (window changes, I/O); the
// slave goes to the user's process and is closed here once it started.
struct PtyState {
  proc::UniqueFd master, slave;
  std::string tty, term, last_login;
};

inline constexpr size_t kMaxEnvPerSession = 64;

struct Channel {
  uint32_t local_id = 0, remote_id = 0;
  uint32_t remote_window = 0, remote_max_packet = 0;
  uint32_t local_window = kLocalWindow;  // what the client may still send
  uint32_t consumed = 0;                 // written to stdin since last adjust
  std::optional<UserProcess> process;
  std::optional<PtyState> pty;
  std::vector<std::string> env;  // accepted by AcceptEnv, "NAME=value"
  // Data for the command's stdin not written yet: at most the window we
  // granted (what the client may send is what has not been written).
  transport::ByteQueue stdin_buf;
  bool client_eof = false, eof_sent = false, close_sent = false, close_received = false;
  bool exited = false;
  int wait_status = 0;
};

class ConnectionService {
 public:
  ConnectionService(Transport& transport, int monitor_fd, UserAccount user, Endpoints endpoints,
                    int max_sessions, monproto::SessionSettings settings)
      : t_(transport), monitor_fd_(monitor_fd), user_(std::move(user)),
        endpoints_(std::move(endpoints)), max_sessions_(max_sessions),
        settings_(std::move(settings)) {}

  // One connection-layer message. False on a protocol error (the
  // connection must end; error() says why).
  bool handle(std::span<const uint8_t> msg);

  // Appends the descriptors to poll for the channels; on_poll() does the
  // work for them after poll() (same vector, entries from `first` on).
  void fill_pollfds(std::vector<pollfd>& fds);
  void on_poll(const std::vector<pollfd>& fds, size_t first);
  // A child exited (from SIGCHLD).
  void on_exit(pid_t pid, int status);

  const std::string& error() const { return error_; }

 private:
  bool on_open(std::span<const uint8_t> msg);
  bool on_request(std::span<const uint8_t> msg);
  // Session requests: the request-specific data in body; return
  // whether the request succeeded (for want-reply). False with error_ set
  // means a protocol error (distinguished by error_.empty()).
  bool req_pty(Channel& c, wire::Bytes body);
  bool req_exec(Channel& c, wire::Bytes body, bool shell);
  bool req_subsystem(Channel& c, wire::Bytes body);
  bool start_session(Channel& c, std::optional<std::string> command, bool shell);
  bool req_env(Channel& c, wire::Bytes body);
  bool req_window_change(Channel& c, wire::Bytes body);
  bool req_signal(Channel& c, wire::Bytes body);
  bool req_break(Channel& c, wire::Bytes body);
  void release_pty(Channel& c);
  void release_pty_name(const std::string& tty);
  bool on_data(std::span<const uint8_t> msg);
  bool on_window_adjust(std::span<const uint8_t> msg);
  bool on_eof_or_close(uint8_t type, std::span<const uint8_t> msg);
  bool on_global_request(std::span<const uint8_t> msg);
  Channel* find(uint32_t local_id);
  bool fail(const std::string& why);

  void pump_output(Channel& c, int fd, bool is_stderr);
  void pump_input(Channel& c);
  void maybe_finish(Channel& c);
  void send_status(uint32_t remote_id, bool ok);

  Transport& t_;
  int monitor_fd_;
  UserAccount user_;
  Endpoints endpoints_;
  int max_sessions_;
  monproto::SessionSettings settings_;
  std::map<uint32_t, std::unique_ptr<Channel>> channels_;
  enum class Stream { kStdin, kStdout, kStderr };
  std::vector<std::pair<uint32_t, Stream>> poll_map_;
  uint32_t next_id_ = 0;
  std::string error_;
};

}  // namespace lpsshd::postauth
