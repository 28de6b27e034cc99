// The user's command or shell behind a session channel: client data to its
// stdin, its stdout and stderr (or the terminal's output) to the client
// under the window, then EOF, exit-status or exit-signal, and CLOSE, in the
// order sshd sends them. With a terminal it owns the master and gives the
// PTY back to the monitor when the session ends.
#pragma once

#include <optional>
#include <string>

#include "postauth/channel_backend.h"
#include "postauth/user_process.h"
#include "proc/unique_fd.h"

namespace lpsshd::postauth {

// A session's terminal: the master stays here (window changes, I/O); the
// slave goes to the user's process and is closed here once it started.
struct PtyState {
  proc::UniqueFd master, slave;
  std::string tty, term, last_login;
};

// Terminal size from a pty-req or window-change, clamped to what fits.
bool set_window_size(int master_fd, uint32_t cols, uint32_t rows, uint32_t width_px,
                     uint32_t height_px);
// "window-change" for a session's terminal (none: refused).
ChannelBackend::Reply window_change(const std::optional<PtyState>& pty, wire::Bytes body,
                                    std::string& why);
// Tells the monitor this connection is done with a PTY (logout record,
// terminal back to root).
void release_pty(int monitor_fd, const std::string& tty);

class ProcessBackend final : public ChannelBackend {
 public:
  ProcessBackend(ChannelSink& sink, int monitor_fd, UserProcess process, std::optional<PtyState> pty)
      : sink_(sink), monitor_fd_(monitor_fd), process_(std::move(process)), pty_(std::move(pty)) {}
  ~ProcessBackend() override;

  size_t input(std::span<const uint8_t> bytes) override;
  void input_eof() override;
  // window-change, signal, break
  Reply request(std::string_view type, wire::Bytes body, std::string& why) override;
  void add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) override;
  void on_poll(std::span<const pollfd> mine) override;
  bool on_exit(pid_t pid, int status) override;
  // After the process exited with a terminal: the drain that had to wait
  // for room (a key exchange, the client's window). Poll cannot wake it:
  // the monitor holds the slave open, so an idle master never signals.
  void pump() override;

 private:
  void read_output(proc::UniqueFd& fd, bool is_stderr);
  void maybe_finish();
  void give_back_pty();

  ChannelSink& sink_;
  int monitor_fd_;
  UserProcess process_;
  std::optional<PtyState> pty_;
  bool client_eof_ = false, exited_ = false, finished_ = false;
  int wait_status_ = 0;
  // Reads of the terminal after the process exited (see maybe_finish).
  static constexpr int kMaxDrainReads = 64;
  int drain_reads_ = 0;
  enum class Stream { kStdin, kStdout, kStderr };
  std::vector<Stream> polled_;
};

}  // namespace lpsshd::postauth
