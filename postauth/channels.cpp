#include "postauth/channels.h"

#include "postauth/channel_messages.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

namespace {
constexpr uint32_t kOpenAdministrativelyProhibited = 1;
constexpr uint32_t kOpenUnknownChannelType = 3;
constexpr uint32_t kOpenResourceShortage = 4;
constexpr uint32_t kExtendedDataStderr = 1;

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev != nullptr) return abbrev;
  return "SIG" + std::to_string(sig) + "@openssh.com";
}
}  // namespace

bool ConnectionService::fail(const std::string& why) {
  error_ = why;
  return false;
}

Channel* ConnectionService::find(uint32_t id) {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second.get();
}

bool ConnectionService::handle(std::span<const uint8_t> msg) {
  switch (msg[0]) {
    case ssh::kGlobalRequest: return on_global_request(msg);
    case ssh::kChannelOpen: return on_open(msg);
    case ssh::kChannelRequest: return on_request(msg);
    case ssh::kChannelData: return on_data(msg);
    case ssh::kChannelWindowAdjust: return on_window_adjust(msg);
    case ssh::kChannelEof:
    case ssh::kChannelClose: return on_eof_or_close(msg[0], msg);
    case ssh::kChannelExtendedData:  // clients do not send stderr; drop it
    case ssh::kChannelSuccess:
    case ssh::kChannelFailure:
    case ssh::kRequestSuccess:
    case ssh::kRequestFailure: return true;
    case ssh::kChannelOpenConfirmation:
    case ssh::kChannelOpenFailure: return fail("reply to a channel open we never sent");
    default: {
      // RFC 4253 11.4: unknown messages get UNIMPLEMENTED, not a disconnect.
      // The sequence number is the one just received.
      wire::Writer w;
      w.u8(ssh::kUnimplemented).u32(t_.stream().decoder().seq() - 1);
      t_.send(w.bytes());
      return true;
    }
  }
}

bool ConnectionService::on_global_request(std::span<const uint8_t> msg) {
  GlobalRequest g;
  if (!parse_global_request(msg, g)) return fail("malformed GLOBAL_REQUEST");
  // Nothing global is supported yet (keepalive@openssh.com included): a
  // FAILURE reply is what clients expect.
  if (g.want_reply) {
    const uint8_t failure[1] = {ssh::kRequestFailure};
    t_.send(failure);
  }
  return true;
}

bool ConnectionService::on_open(std::span<const uint8_t> msg) {
  ChannelOpen open;
  if (!parse_channel_open(msg, open)) return fail("malformed CHANNEL_OPEN");
  const uint32_t sender = open.sender, window = open.window, max_packet = open.max_packet;
  auto refuse = [&](uint32_t code, const char* text) {
    wire::Writer w;
    w.u8(ssh::kChannelOpenFailure).u32(sender).u32(code).string(text).string("");
    t_.send(w.bytes());
    return true;
  };
  if (open.type != "session") return refuse(kOpenUnknownChannelType, "unknown channel type");
  if (!open.extra.empty()) return fail("malformed CHANNEL_OPEN session");
  if (static_cast<int>(channels_.size()) >= max_sessions_)
    return refuse(kOpenResourceShortage, "no more sessions");
  if (max_packet == 0) return refuse(kOpenAdministrativelyProhibited, "bad maximum packet size");
  auto c = std::make_unique<Channel>();
  c->local_id = next_id_++;
  c->remote_id = sender;
  c->remote_window = window;
  c->remote_max_packet = std::min<uint32_t>(max_packet, kLocalMaxPacket);
  wire::Writer w;
  w.u8(ssh::kChannelOpenConfirmation).u32(sender).u32(c->local_id).u32(kLocalWindow).u32(kLocalMaxPacket);
  t_.send(w.bytes());
  channels_[c->local_id] = std::move(c);
  return true;
}

void ConnectionService::send_status(uint32_t remote_id, bool ok) {
  wire::Writer w;
  w.u8(ok ? ssh::kChannelSuccess : ssh::kChannelFailure).u32(remote_id);
  t_.send(w.bytes());
}

bool ConnectionService::on_request(std::span<const uint8_t> msg) {
  ChannelRequest req;
  if (!parse_channel_request(msg, req)) return fail("malformed CHANNEL_REQUEST");
  Channel* c = find(req.recipient);
  if (c == nullptr) return fail("request for unknown channel");
  const std::string_view type = req.type;
  const bool want_reply = req.want_reply;
  error_.clear();
  bool ok = false;
  if (c->close_received) ok = false;
  else if (type == "pty-req") ok = req_pty(*c, req.body);
  else if (type == "shell") ok = req_exec(*c, req.body, true);
  else if (type == "exec") ok = req_exec(*c, req.body, false);
  else if (type == "subsystem") ok = req_subsystem(*c, req.body);
  else if (type == "env") ok = req_env(*c, req.body);
  else if (type == "window-change") ok = req_window_change(*c, req.body);
  else if (type == "signal") ok = req_signal(*c, req.body);
  else if (type == "break") ok = req_break(*c, req.body);
  // Everything else (x11-req, auth-agent-req, ...) is not
  // supported yet and is refused, which clients handle gracefully.
  if (!error_.empty()) return false;
  if (want_reply) send_status(c->remote_id, ok);
  return true;
}

bool ConnectionService::on_data(std::span<const uint8_t> msg) {
  ChannelData d;
  if (!parse_channel_data(msg, d)) return fail("malformed CHANNEL_DATA");
  const wire::Bytes data = d.data;
  Channel* c = find(d.recipient);
  if (c == nullptr) return fail("data for unknown channel");
  if (data.size() > c->local_window) return fail("channel window exceeded");
  c->local_window -= static_cast<uint32_t>(data.size());
  if (c->process && c->process->stdin_w && !c->client_eof) {
    c->stdin_buf.append(data);
    pump_input(*c);
  } else {
    c->consumed += static_cast<uint32_t>(data.size());  // discarded, but the window moves on
    pump_input(*c);
  }
  return true;
}

bool ConnectionService::on_window_adjust(std::span<const uint8_t> msg) {
  WindowAdjust adj;
  if (!parse_window_adjust(msg, adj)) return fail("malformed WINDOW_ADJUST");
  Channel* c = find(adj.recipient);
  if (c == nullptr) return fail("window adjust for unknown channel");
  const uint64_t w = uint64_t{c->remote_window} + adj.bytes;
  c->remote_window = w > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(w);
  return true;
}

bool ConnectionService::on_eof_or_close(uint8_t type, std::span<const uint8_t> msg) {
  uint32_t recipient = 0;
  if (!parse_channel_ref(msg, recipient)) return fail("malformed CHANNEL_EOF/CLOSE");
  Channel* c = find(recipient);
  if (c == nullptr) return fail("EOF/CLOSE for unknown channel");
  c->client_eof = true;
  if (type == ssh::kChannelClose) {
    c->close_received = true;
    if (c->process) {
      c->process->stdin_w.reset();
      c->process->stdout_r.reset();
      c->process->stderr_r.reset();
    }
    release_pty(*c);
    if (!c->close_sent) {
      wire::Writer w;
      w.u8(ssh::kChannelClose).u32(c->remote_id);
      t_.send(w.bytes());
      c->close_sent = true;
    }
    channels_.erase(recipient);
    return true;
  }
  pump_input(*c);
  return true;
}

void ConnectionService::pump_input(Channel& c) {
  if (c.process && c.process->stdin_w) {
    // What the command takes is released from the queue (and counted for
    // the window) at once, not when the queue finally empties.
    while (!c.stdin_buf.empty()) {
      const auto piece = c.stdin_buf.front();
      const ssize_t n = write(c.process->stdin_w.get(), piece.data(), piece.size());
      if (n > 0) {
        c.stdin_buf.consume(static_cast<size_t>(n));
        c.consumed += static_cast<uint32_t>(n);
        if (static_cast<size_t>(n) < piece.size()) break;  // the pipe is full
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      // The command closed its stdin: what is left can never be delivered.
      c.consumed += static_cast<uint32_t>(c.stdin_buf.size());
      c.stdin_buf = transport::ByteQueue();
      c.process->stdin_w.reset();
      break;
    }
    if (c.stdin_buf.empty() && c.client_eof) c.process->stdin_w.reset();
  }
  // Give the window back once half of it has been used, like sshd.
  if (c.consumed >= kLocalWindow / 2 && !c.close_received && !c.client_eof) {
    wire::Writer w;
    w.u8(ssh::kChannelWindowAdjust).u32(c.remote_id).u32(c.consumed);
    t_.send(w.bytes());
    c.local_window += c.consumed;
    c.consumed = 0;
  }
}

void ConnectionService::pump_output(Channel& c, int fd, bool is_stderr) {
  uint8_t buf[kLocalMaxPacket];
  while (c.remote_window > 0 && !command_output_paused(t_) && !t_.sending_paused()) {
    const size_t want = std::min<size_t>({sizeof buf, size_t{c.remote_window}, size_t{c.remote_max_packet}});
    const ssize_t n = read(fd, buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      (is_stderr ? c.process->stderr_r : c.process->stdout_r).reset();
      maybe_finish(c);
      return;
    }
    wire::Writer w(static_cast<size_t>(n) + 16);
    w.u8(is_stderr ? ssh::kChannelExtendedData : ssh::kChannelData).u32(c.remote_id);
    if (is_stderr) w.u32(kExtendedDataStderr);
    w.string(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
    t_.send(w.bytes());
    c.remote_window -= static_cast<uint32_t>(n);
    if (static_cast<size_t>(n) < want) return;  // drained for now
  }
}

void ConnectionService::maybe_finish(Channel& c) {
  if (!c.process || !c.exited || c.close_sent) return;
  if (c.pty && c.process->stdout_r) {
    // Background jobs may keep the terminal open forever: once the session's
    // process has exited, send what is buffered now and close, as sshd does.
    uint8_t buf[kLocalMaxPacket];
    for (int i = 0; i < 64 && c.remote_window > 0; ++i) {
      const size_t want = std::min<size_t>({sizeof buf, size_t{c.remote_window}, size_t{c.remote_max_packet}});
      const ssize_t n = read(c.process->stdout_r.get(), buf, want);
      if (n <= 0) break;
      wire::Writer w(static_cast<size_t>(n) + 16);
      w.u8(ssh::kChannelData).u32(c.remote_id).string(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
      t_.send(w.bytes());
      c.remote_window -= static_cast<uint32_t>(n);
    }
    c.process->stdout_r.reset();
  }
  if (c.process->stdout_r || c.process->stderr_r) return;  // output still draining
  release_pty(c);
  wire::Writer w;
  if (!c.eof_sent) {
    w.u8(ssh::kChannelEof).u32(c.remote_id);
    t_.send(w.bytes());
    c.eof_sent = true;
  }
  wire::Writer s;
  s.u8(ssh::kChannelRequest).u32(c.remote_id);
  if (WIFSIGNALED(c.wait_status)) {
    s.string("exit-signal").boolean(false).string(signal_name(WTERMSIG(c.wait_status)));
    s.boolean(WCOREDUMP(c.wait_status)).string("").string("");
  } else {
    s.string("exit-status").boolean(false).u32(static_cast<uint32_t>(WEXITSTATUS(c.wait_status)));
  }
  t_.send(s.bytes());
  wire::Writer cl;
  cl.u8(ssh::kChannelClose).u32(c.remote_id);
  t_.send(cl.bytes());
  c.close_sent = true;
  c.process->stdin_w.reset();
}

void ConnectionService::on_exit(pid_t pid, int status) {
  for (auto& [id, c] : channels_) {
    if (c->process && c->process->pid == pid && !c->exited) {
      c->exited = true;
      c->wait_status = status;
      maybe_finish(*c);
      return;
    }
  }
}

void ConnectionService::fill_pollfds(std::vector<pollfd>& fds) {
  poll_map_.clear();
  const bool can_send = !command_output_paused(t_) && !t_.sending_paused();
  for (auto& [id, c] : channels_) {
    if (!c->process) continue;
    auto& p = *c->process;
    if (p.stdin_w && !c->stdin_buf.empty()) {
      fds.push_back({p.stdin_w.get(), POLLOUT, 0});
      poll_map_.emplace_back(id, Stream::kStdin);
    }
    if (can_send && c->remote_window > 0) {
      if (p.stdout_r) {
        fds.push_back({p.stdout_r.get(), POLLIN, 0});
        poll_map_.emplace_back(id, Stream::kStdout);
      }
      if (p.stderr_r) {
        fds.push_back({p.stderr_r.get(), POLLIN, 0});
        poll_map_.emplace_back(id, Stream::kStderr);
      }
    }
  }
}

void ConnectionService::on_poll(const std::vector<pollfd>& fds, size_t first) {
  for (size_t i = 0; i < poll_map_.size(); ++i) {
    const pollfd& p = fds[first + i];
    if (p.revents == 0) continue;
    Channel* c = find(poll_map_[i].first);
    if (c == nullptr || !c->process) continue;
    switch (poll_map_[i].second) {
      case Stream::kStdin:
        pump_input(*c);
        break;
      case Stream::kStdout:
        if (c->process->stdout_r) pump_output(*c, c->process->stdout_r.get(), false);
        break;
      case Stream::kStderr:
        if (c->process->stderr_r) pump_output(*c, c->process->stderr_r.get(), true);
        break;
    }
  }
}

}  // namespace lpsshd::postauth
