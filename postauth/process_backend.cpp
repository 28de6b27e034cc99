#include "postauth/process_backend.h"

#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "monitor/protocol_client.h"
#include "postauth/channel_messages.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

namespace {
constexpr size_t kReadChunk = 32 * 1024;

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev != nullptr) return abbrev;
  return "SIG" + std::to_string(sig) + "@openssh.com";
}

// Signals a client may send (RFC 4254 6.10), without the "SIG" prefix.
int signal_number(std::string_view name) {
  static constexpr struct {
    const char* name;
    int sig;
  } kSignals[] = {{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
                  {"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
                  {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
                  {"USR2", SIGUSR2}};
  for (const auto& s : kSignals)
    if (name == s.name) return s.sig;
  return 0;
}
}  // namespace

bool set_window_size(int master_fd, uint32_t cols, uint32_t rows, uint32_t wpx, uint32_t hpx) {
  auto clamp = [](uint32_t v) { return static_cast<unsigned short>(v > 0xffff ? 0xffff : v); };
  winsize ws{};
  ws.ws_col = clamp(cols);
  ws.ws_row = clamp(rows);
  ws.ws_xpixel = clamp(wpx);
  ws.ws_ypixel = clamp(hpx);
  return ioctl(master_fd, TIOCSWINSZ, &ws) == 0;
}

ChannelBackend::Reply window_change(const std::optional<PtyState>& pty, wire::Bytes body,
                                    std::string& why) {
  WindowChange w;
  if (!parse_window_change(body, w)) {
    why = "malformed window-change";
    return ChannelBackend::Reply::kProtocolError;
  }
  return pty && set_window_size(pty->master.get(), w.cols, w.rows, w.width_px, w.height_px)
             ? ChannelBackend::Reply::kSuccess
             : ChannelBackend::Reply::kFailure;
}

void release_pty(int monitor_fd, const std::string& tty) {
  monproto::send(monitor_fd, monproto::PtyRelease{tty});
}

ProcessBackend::~ProcessBackend() { give_back_pty(); }

void ProcessBackend::give_back_pty() {
  if (!pty_) return;
  const std::string tty = pty_->tty;
  pty_.reset();  // close our master before the monitor logs the session out
  process_.stdin_w.reset();
  process_.stdout_r.reset();
  release_pty(monitor_fd_, tty);
}

size_t ProcessBackend::input(std::span<const uint8_t> bytes) {
  if (!process_.stdin_w) return bytes.size();  // the command closed its stdin: dropped
  while (true) {
    const ssize_t n = write(process_.stdin_w.get(), bytes.data(), bytes.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return 0;
    // The command closed its stdin: what is left can never be delivered.
    process_.stdin_w.reset();
    return bytes.size();
  }
}

void ProcessBackend::input_eof() {
  client_eof_ = true;
  process_.stdin_w.reset();
}

ChannelBackend::Reply ProcessBackend::request(std::string_view type, wire::Bytes body,
                                              std::string& why) {
  if (type == "window-change") return window_change(pty_, body, why);
  if (type == "signal") {
    std::string name;
    if (!parse_signal(body, name)) return why = "malformed signal request", Reply::kProtocolError;
    const int sig = signal_number(name);
    if (sig == 0 || exited_) return Reply::kFailure;
    // The process leads its own session and process group.
    return kill(-process_.pid, sig) == 0 || kill(process_.pid, sig) == 0 ? Reply::kSuccess
                                                                         : Reply::kFailure;
  }
  if (type == "break") {
    uint32_t ms = 0;
    if (!parse_break(body, ms)) return why = "malformed break request", Reply::kProtocolError;
    if (!pty_) return Reply::kFailure;
    return tcsendbreak(pty_->master.get(), 0) == 0 ? Reply::kSuccess : Reply::kFailure;
  }
  return Reply::kFailure;  // a second exec, pty-req after start, ...
}

void ProcessBackend::add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) {
  polled_.clear();
  if (process_.stdin_w && input_pending) {
    fds.push_back({process_.stdin_w.get(), POLLOUT, 0});
    polled_.push_back(Stream::kStdin);
  }
  if (can_output) {
    if (process_.stdout_r) {
      fds.push_back({process_.stdout_r.get(), POLLIN, 0});
      polled_.push_back(Stream::kStdout);
    }
    if (process_.stderr_r) {
      fds.push_back({process_.stderr_r.get(), POLLIN, 0});
      polled_.push_back(Stream::kStderr);
    }
  }
}

void ProcessBackend::on_poll(std::span<const pollfd> mine) {
  for (size_t i = 0; i < mine.size() && i < polled_.size(); ++i) {
    if (mine[i].revents == 0) continue;
    // Writable stdin: the core offers its held bytes on its next turn.
    if (polled_[i] == Stream::kStdout && process_.stdout_r) read_output(process_.stdout_r, false);
    if (polled_[i] == Stream::kStderr && process_.stderr_r) read_output(process_.stderr_r, true);
  }
}

void ProcessBackend::read_output(proc::UniqueFd& fd, bool is_stderr) {
  uint8_t buf[kReadChunk];
  while (true) {
    const size_t want = std::min(sizeof buf, sink_.room());
    if (want == 0) return;
    const ssize_t n = read(fd.get(), buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (exited_ && pty_ && !is_stderr) maybe_finish();  // the terminal is drained
      return;
    }
    if (n <= 0) {
      fd.reset();
      maybe_finish();
      return;
    }
    sink_.data(std::span<const uint8_t>(buf, static_cast<size_t>(n)), is_stderr);
    if (static_cast<size_t>(n) < want) return;  // drained for now
  }
}

bool ProcessBackend::on_exit(pid_t pid, int status) {
  if (pid != process_.pid || exited_) return false;
  exited_ = true;
  wait_status_ = status;
  maybe_finish();
  return true;
}

void ProcessBackend::pump() {
  if (exited_ && !finished_) maybe_finish();
}

void ProcessBackend::maybe_finish() {
  if (!exited_ || finished_) return;
  if (pty_ && process_.stdout_r) {
    // Background jobs may keep the terminal open forever: once the session's
    // process has exited, send what the terminal holds now (a bounded number
    // of reads, as the window and backlog allow) and close, as sshd does.
    uint8_t buf[kReadChunk];
    while (drain_reads_ < kMaxDrainReads) {
      const size_t want = std::min(sizeof buf, sink_.room());
      if (want == 0) return;  // the client's window or our backlog: poll again
      const ssize_t n = read(process_.stdout_r.get(), buf, want);
      if (n <= 0) break;  // empty (EAGAIN) or hung up (EIO)
      ++drain_reads_;
      sink_.data(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    }
    process_.stdout_r.reset();
  }
  if (process_.stdout_r || process_.stderr_r) return;  // output still draining
  finished_ = true;
  give_back_pty();
  sink_.eof();
  wire::Writer s;
  if (WIFSIGNALED(wait_status_)) {
    s.string(signal_name(WTERMSIG(wait_status_))).boolean(WCOREDUMP(wait_status_)).string("")
        .string("");
    sink_.request("exit-signal", s.bytes());
  } else {
    s.u32(static_cast<uint32_t>(WEXITSTATUS(wait_status_)));
    sink_.request("exit-status", s.bytes());
  }
  sink_.close();
  process_.stdin_w.reset();
}

}  // namespace lpsshd::postauth
