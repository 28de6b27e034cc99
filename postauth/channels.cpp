#include "postauth/channels.h"

#include <algorithm>

#include "postauth/channel_messages.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

// One channel: its SSH state, and the backend behind it. It is the
// backend's sink, so every byte a backend sends passes the checks here.
class ChannelCore::Channel final : public ChannelSink {
 public:
  enum class State { kOpeningByClient, kOpeningByUs, kOpen, kRefused };

  Channel(ChannelCore& core, std::string kind_name, uint32_t id, State initial)
      : core_(core), kind(std::move(kind_name)), local_id(id), state(initial) {}
  ~Channel() { backend.reset(); }  // first: a backend may still use this sink

  // --- ChannelSink ---------------------------------------------------------
  void confirm_open() override {
    if (state != State::kOpeningByClient) return;
    wire::Writer w;
    w.u8(ssh::kChannelOpenConfirmation).u32(remote_id).u32(local_id).u32(kLocalWindow)
        .u32(kLocalMaxPacket);
    core_.t_.send(w.bytes());
    state = State::kOpen;
  }
  void refuse_open(OpenFailure code, std::string_view why) override {
    if (state != State::kOpeningByClient) return;
    wire::Writer w;
    w.u8(ssh::kChannelOpenFailure).u32(remote_id).u32(static_cast<uint32_t>(code)).string(why)
        .string("");
    core_.t_.send(w.bytes());
    state = State::kRefused;  // the id is free again once service() drops it
  }
  size_t room() const override {
    if (state != State::kOpen || eof_sent || close_sent || core_.output_paused()) return 0;
    return std::min<size_t>(remote_window, remote_max_packet);
  }
  void data(std::span<const uint8_t> bytes, bool stderr_stream) override {
    if (bytes.empty() || bytes.size() > room()) return;  // a backend bug; never past the window
    wire::Writer w(bytes.size() + 16);
    w.u8(stderr_stream ? ssh::kChannelExtendedData : ssh::kChannelData).u32(remote_id);
    if (stderr_stream) w.u32(kExtendedDataStderr);
    w.string(bytes);
    core_.t_.send(w.bytes());
    remote_window -= static_cast<uint32_t>(bytes.size());
  }
  void eof() override {
    if (state != State::kOpen || eof_sent || close_sent) return;
    wire::Writer w;
    w.u8(ssh::kChannelEof).u32(remote_id);
    core_.t_.send(w.bytes());
    eof_sent = true;
  }
  void request(std::string_view type, std::span<const uint8_t> body) override {
    if (state != State::kOpen || close_sent) return;
    wire::Writer w;
    w.u8(ssh::kChannelRequest).u32(remote_id).string(type).boolean(false).raw(body);
    core_.t_.send(w.bytes());
  }
  void close() override {
    if (state == State::kOpeningByClient) {
      refuse_open(OpenFailure::kConnectFailed, "open failed");
      return;
    }
    if (state != State::kOpen || close_sent) return;
    eof();
    wire::Writer w;
    w.u8(ssh::kChannelClose).u32(remote_id);
    core_.t_.send(w.bytes());
    close_sent = true;
  }

  // --- client data ---------------------------------------------------------
  // Hands what the client sent to the backend, as much as it takes now.
  void deliver() {
    if (backend && (!close_sent || draining) && state == State::kOpen) {
      while (!pending.empty()) {
        const auto piece = pending.front();
        const size_t took = std::min(backend->input(piece), piece.size());
        if (took == 0) break;
        pending.consume(took);
        consumed += static_cast<uint32_t>(took);
      }
      if (pending.empty() && client_eof && !eof_delivered) {
        eof_delivered = true;
        backend->input_eof();
      }
    } else if (!pending.empty()) {
      // Nobody will take it: drop it, but the window moves on.
      consumed += static_cast<uint32_t>(pending.size());
      pending = transport::ByteQueue();
    }
  }
  // Gives the window back once half of it has been used, like sshd.
  void adjust_window() {
    if (consumed < kLocalWindow / 2 || state != State::kOpen || close_sent || client_eof) return;
    wire::Writer w;
    w.u8(ssh::kChannelWindowAdjust).u32(remote_id).u32(consumed);
    core_.t_.send(w.bytes());
    local_window += consumed;
    consumed = 0;
  }

  static constexpr uint32_t kExtendedDataStderr = 1;

  ChannelCore& core_;
  std::string kind;
  uint32_t local_id;
  State state;
  uint32_t remote_id = 0, remote_window = 0, remote_max_packet = 0;
  uint32_t local_window = kLocalWindow;  // what the client may still send
  uint32_t consumed = 0;                 // taken by the backend since the last adjust
  // Client data the backend has not taken yet: at most the window we
  // granted, since the window reopens only for what was taken.
  transport::ByteQueue pending;
  bool client_eof = false, eof_delivered = false, eof_sent = false;
  bool close_sent = false, close_received = false;
  // CLOSE received and answered, the backend still taking the client's
  // last bytes (ChannelBackend::drain_on_close); dropped once they are taken.
  bool draining = false;
  std::unique_ptr<ChannelBackend> backend;  // last: destroyed first
};

ChannelCore::ChannelCore(Transport& t) : t_(t) {}
ChannelCore::~ChannelCore() = default;

void ChannelCore::on_open(std::string type, size_t max_open, OpenHandler handler) {
  kinds_[std::move(type)] = Kind{max_open, std::move(handler)};
}

void ChannelCore::on_global(std::string name, GlobalHandler handler) {
  globals_[std::move(name)] = std::move(handler);
}

bool ChannelCore::fail(const std::string& why) {
  error_ = why;
  return false;
}

size_t ChannelCore::count(std::string_view type) const {
  return static_cast<size_t>(std::count_if(channels_.begin(), channels_.end(), [&](const auto& e) {
    return e.second->kind == type && e.second->state != Channel::State::kRefused;
  }));
}

uint32_t ChannelCore::new_id() {
  // Ids are not reused while a channel holds one; the map is bounded, so
  // the search ends.
  while (channels_.count(next_id_) != 0) ++next_id_;
  return next_id_++;
}

ChannelCore::Channel* ChannelCore::find_open(uint32_t id, const char* what) {
  auto it = channels_.find(id);
  if (it == channels_.end() || it->second->state != Channel::State::kOpen || it->second->close_received) {
    error_ = std::string(what) + " for unknown channel";
    return nullptr;
  }
  return it->second.get();
}

bool ChannelCore::handle(std::span<const uint8_t> msg) {
  switch (msg[0]) {
    case ssh::kGlobalRequest: return on_global_request(msg);
    case ssh::kChannelOpen: return on_channel_open(msg);
    case ssh::kChannelOpenConfirmation:
    case ssh::kChannelOpenFailure: return on_open_reply(msg[0], msg);
    case ssh::kChannelRequest: return on_request(msg);
    case ssh::kChannelData: return on_data(msg, false);
    case ssh::kChannelExtendedData: return on_data(msg, true);
    case ssh::kChannelWindowAdjust: return on_window_adjust(msg);
    case ssh::kChannelEof:
    case ssh::kChannelClose: return on_eof_or_close(msg[0], msg);
    // Replies to requests we send want no reply (exit-status), and we send
    // no global requests: nothing to match them with.
    case ssh::kChannelSuccess:
    case ssh::kChannelFailure:
    case ssh::kRequestSuccess:
    case ssh::kRequestFailure: return true;
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

bool ChannelCore::on_global_request(std::span<const uint8_t> msg) {
  GlobalRequest g;
  if (!parse_global_request(msg, g)) return fail("malformed GLOBAL_REQUEST");
  GlobalReply r;
  if (auto it = globals_.find(g.name); it != globals_.end()) r = it->second(g.body);
  if (r.reply == ChannelBackend::Reply::kProtocolError) return fail(r.why);
  // keepalive@openssh.com and everything unknown: a FAILURE reply is what
  // clients expect.
  if (g.want_reply) {
    wire::Writer w;
    if (r.reply == ChannelBackend::Reply::kSuccess) w.u8(ssh::kRequestSuccess).raw(r.data);
    else w.u8(ssh::kRequestFailure);
    t_.send(w.bytes());
  }
  return true;
}

bool ChannelCore::on_channel_open(std::span<const uint8_t> msg) {
  ChannelOpen open;
  if (!parse_channel_open(msg, open)) return fail("malformed CHANNEL_OPEN");
  auto refuse = [&](OpenFailure code, std::string_view text) {
    wire::Writer w;
    w.u8(ssh::kChannelOpenFailure).u32(open.sender).u32(static_cast<uint32_t>(code)).string(text)
        .string("");
    t_.send(w.bytes());
    return true;
  };
  auto kind = kinds_.find(open.type);
  if (kind == kinds_.end()) return refuse(OpenFailure::kUnknownChannelType, "unknown channel type");
  if (channels_.size() >= kMaxChannels || count(open.type) >= kind->second.max_open)
    return refuse(OpenFailure::kResourceShortage, "too many channels");
  if (open.max_packet == 0) return refuse(OpenFailure::kAdministrativelyProhibited, "bad maximum packet size");

  const uint32_t id = new_id();
  auto c = std::make_unique<Channel>(*this, std::string(open.type), id, Channel::State::kOpeningByClient);
  c->remote_id = open.sender;
  c->remote_window = open.window;
  c->remote_max_packet = std::min<uint32_t>(open.max_packet, kLocalMaxPacket);
  Channel& ch = *c;
  channels_[id] = std::move(c);
  Opened made = kind->second.handler(ch, open.extra);
  if (made.protocol_error) {
    channels_.erase(id);
    return fail(made.why.empty() ? "malformed CHANNEL_OPEN " + std::string(open.type) : made.why);
  }
  if (!made.backend) {
    ch.refuse_open(made.code, made.why);
    channels_.erase(id);
    return true;
  }
  ch.backend = std::move(made.backend);
  return true;
}

bool ChannelCore::open(std::string_view type, std::span<const uint8_t> extra,
                       const std::function<std::unique_ptr<ChannelBackend>(ChannelSink&)>& make) {
  if (channels_.size() >= kMaxChannels) return false;
  const uint32_t id = new_id();
  auto c = std::make_unique<Channel>(*this, std::string(type), id, Channel::State::kOpeningByUs);
  c->backend = make(*c);
  if (!c->backend) return false;
  wire::Writer w;
  w.u8(ssh::kChannelOpen).string(type).u32(id).u32(kLocalWindow).u32(kLocalMaxPacket).raw(extra);
  t_.send(w.bytes());
  channels_[id] = std::move(c);
  return true;
}

bool ChannelCore::on_open_reply(uint8_t type, std::span<const uint8_t> msg) {
  uint32_t recipient = 0;
  OpenConfirmation ok;
  OpenFailureMsg no;
  if (type == ssh::kChannelOpenConfirmation ? !parse_open_confirmation(msg, ok)
                                            : !parse_open_failure(msg, no))
    return fail("malformed CHANNEL_OPEN reply");
  recipient = type == ssh::kChannelOpenConfirmation ? ok.recipient : no.recipient;
  auto it = channels_.find(recipient);
  if (it == channels_.end() || it->second->state != Channel::State::kOpeningByUs)
    return fail("reply to a channel open we never sent");
  Channel& c = *it->second;
  if (type == ssh::kChannelOpenFailure || ok.max_packet == 0) {
    // A zero maximum packet could never carry data: treat it as a refusal
    // (and close what we had confirmed).
    if (type == ssh::kChannelOpenConfirmation) {
      c.remote_id = ok.sender;
      c.state = Channel::State::kOpen;
      c.close();
      c.backend.reset();
      return true;
    }
    channels_.erase(it);
    return true;
  }
  c.remote_id = ok.sender;
  c.remote_window = ok.window;
  c.remote_max_packet = std::min<uint32_t>(ok.max_packet, kLocalMaxPacket);
  c.state = Channel::State::kOpen;
  if (c.backend) c.backend->opened();
  return true;
}

bool ChannelCore::on_request(std::span<const uint8_t> msg) {
  ChannelRequest req;
  if (!parse_channel_request(msg, req)) return fail("malformed CHANNEL_REQUEST");
  Channel* c = find_open(req.recipient, "request");
  if (c == nullptr) return false;
  ChannelBackend::Reply r = ChannelBackend::Reply::kFailure;
  std::string why;
  if (c->backend && !c->close_sent) r = c->backend->request(req.type, req.body, why);
  if (r == ChannelBackend::Reply::kProtocolError) return fail(why.empty() ? "malformed " + std::string(req.type) : why);
  if (req.want_reply && !c->close_sent) {
    wire::Writer w;
    w.u8(r == ChannelBackend::Reply::kSuccess ? ssh::kChannelSuccess : ssh::kChannelFailure)
        .u32(c->remote_id);
    t_.send(w.bytes());
  }
  return true;
}

bool ChannelCore::on_data(std::span<const uint8_t> msg, bool extended) {
  uint32_t recipient = 0;
  wire::Bytes data;
  if (extended) {
    ExtendedData x;
    if (!parse_extended_data(msg, x)) return fail("malformed CHANNEL_EXTENDED_DATA");
    recipient = x.recipient;
    data = x.data;
  } else {
    ChannelData d;
    if (!parse_channel_data(msg, d)) return fail("malformed CHANNEL_DATA");
    recipient = d.recipient;
    data = d.data;
  }
  Channel* c = find_open(recipient, "data");
  if (c == nullptr) return false;
  if (c->client_eof) return fail("data after EOF");
  if (data.size() > c->local_window) return fail("channel window exceeded");
  c->local_window -= static_cast<uint32_t>(data.size());
  // Clients send no stderr: extended data uses up window and is dropped.
  if (extended) c->consumed += static_cast<uint32_t>(data.size());
  else c->pending.append(data);
  c->deliver();
  c->adjust_window();
  return true;
}

bool ChannelCore::on_window_adjust(std::span<const uint8_t> msg) {
  WindowAdjust adj;
  if (!parse_window_adjust(msg, adj)) return fail("malformed WINDOW_ADJUST");
  Channel* c = find_open(adj.recipient, "window adjust");
  if (c == nullptr) return false;
  const uint64_t w = uint64_t{c->remote_window} + adj.bytes;
  c->remote_window = w > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(w);
  return true;
}

bool ChannelCore::on_eof_or_close(uint8_t type, std::span<const uint8_t> msg) {
  uint32_t recipient = 0;
  if (!parse_channel_ref(msg, recipient)) return fail("malformed CHANNEL_EOF/CLOSE");
  Channel* c = find_open(recipient, "EOF/CLOSE");
  if (c == nullptr) return false;
  if (type == ssh::kChannelEof) {
    c->client_eof = true;
    c->deliver();
    return true;
  }
  c->close_received = true;
  // What the client sent before its CLOSE: taken now, or kept for a
  // backend that drains (the channel stays, without an id to address it).
  c->client_eof = true;
  c->deliver();
  if (c->backend && !c->pending.empty() && c->backend->drain_on_close()) {
    c->close();
    c->draining = true;
    return true;
  }
  c->backend.reset();  // its descriptors and processes' pipes go now
  c->close();
  channels_.erase(recipient);
  return true;
}

void ChannelCore::service() {
  for (auto it = channels_.begin(); it != channels_.end();) {
    Channel& c = *it->second;
    if (c.state == Channel::State::kRefused) {
      it = channels_.erase(it);
      continue;
    }
    if (c.draining) {
      c.deliver();
      if (c.pending.empty() || !c.backend) {
        it = channels_.erase(it);
        continue;
      }
      ++it;
      continue;
    }
    if (c.close_sent) c.backend.reset();  // finished: free what it holds
    if (c.backend) {
      // A few rounds: output sent may let the backend take more input,
      // whose replies want sending.
      for (int round = 0; round < 4 && c.backend; ++round) {
        const size_t before = c.pending.size();
        c.deliver();
        if (c.backend && c.room() > 0) c.backend->pump();
        if (c.pending.size() == before) break;
      }
      if (c.close_sent) c.backend.reset();
    } else {
      c.deliver();
    }
    c.adjust_window();
    ++it;
  }
}

void ChannelCore::fill_pollfds(std::vector<pollfd>& fds) {
  poll_map_.clear();
  for (auto& [id, c] : channels_) {
    if (!c->backend || (c->close_sent && !c->draining)) continue;
    const size_t first = fds.size();
    c->backend->add_pollfds(fds, !c->pending.empty(), c->room() > 0);
    if (fds.size() > first) poll_map_.push_back({id, first, fds.size() - first});
  }
}

void ChannelCore::on_poll(const std::vector<pollfd>& fds) {
  for (const PollRange& r : poll_map_) {
    auto it = channels_.find(r.id);
    if (it == channels_.end() || !it->second->backend) continue;
    it->second->backend->on_poll(std::span<const pollfd>(fds).subspan(r.first, r.count));
  }
}

void ChannelCore::on_exit(pid_t pid, int status) {
  for (auto& [id, c] : channels_)
    if (c->backend && c->backend->on_exit(pid, status)) return;
}

}  // namespace lpsshd::postauth
