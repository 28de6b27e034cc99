#include "postauth/forwarding.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>

#include "postauth/forwarding_messages.h"
#include "postauth/forwarding_policy.h"
#include "postauth/socket_backend.h"
#include "proc/socket_address.h"

namespace lpsshd::postauth {

namespace {
using Reply = ChannelBackend::Reply;

ChannelCore::Opened refused(OpenFailure code, std::string why) {
  ChannelCore::Opened r;
  r.code = code;
  r.why = std::move(why);
  return r;
}
ChannelCore::Opened prohibited() {
  return refused(OpenFailure::kAdministrativelyProhibited, "administratively prohibited");
}
ChannelCore::Opened malformed(std::string why) {
  ChannelCore::Opened r;
  r.protocol_error = true;
  r.why = std::move(why);
  return r;
}
ChannelCore::GlobalReply global(Reply reply, std::string why = {}) {
  ChannelCore::GlobalReply r;
  r.reply = reply;
  r.why = std::move(why);
  return r;
}

bool unix_address(const std::string& path, ConnectAddress& out) {
  sockaddr_un un{};
  if (path.empty() || path.size() >= sizeof un.sun_path) return false;
  un.sun_family = AF_UNIX;
  memcpy(un.sun_path, path.data(), path.size());
  memcpy(&out.addr, &un, sizeof un);
  out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

// getaddrinfo for a stream socket; an empty list when the name does not
// resolve (the open is refused with CONNECT_FAILED).
std::vector<ConnectAddress> resolve(const std::string& host, uint32_t port, bool passive, int& gai) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  gai = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  std::vector<ConnectAddress> out;
  if (gai != 0) return out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    ConnectAddress a;
    memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    out.push_back(a);
  }
  freeaddrinfo(res);
  return out;
}

uint16_t bound_port(int fd) { return proc::local_address(fd).port; }
}  // namespace

Forwarding::Forwarding(ChannelCore& core, Listeners& listeners, SessionContext& ctx)
    : core_(core), listeners_(listeners), ctx_(ctx) {}

Forwarding::~Forwarding() {
  for (auto& [key, r] : tcp_)
    for (auto id : r.ids) listeners_.remove(id);
  // Unix sockets we bound are removed with their listeners, so the next
  // login can bind the same path without StreamLocalBindUnlink.
  for (auto& [path, r] : unix_) {
    for (auto id : r.ids) listeners_.remove(id);
    unlink(path.c_str());
  }
}

void Forwarding::register_with_core() {
  core_.on_open("direct-tcpip", kMaxChannels,
                [this](ChannelSink& s, wire::Bytes x) { return open_direct_tcpip(s, x); });
  core_.on_open("direct-streamlocal@openssh.com", kMaxChannels,
                [this](ChannelSink& s, wire::Bytes x) { return open_direct_streamlocal(s, x); });
  core_.on_global("tcpip-forward", [this](wire::Bytes b) { return tcpip_forward(b); });
  core_.on_global("cancel-tcpip-forward", [this](wire::Bytes b) { return cancel_tcpip_forward(b); });
  core_.on_global("streamlocal-forward@openssh.com",
                  [this](wire::Bytes b) { return streamlocal_forward(b); });
  core_.on_global("cancel-streamlocal-forward@openssh.com",
                  [this](wire::Bytes b) { return cancel_streamlocal_forward(b); });
}

// ---- ssh -L / -D ------------------------------------------------------------

ChannelCore::Opened Forwarding::open_direct_tcpip(ChannelSink& sink, wire::Bytes extra) {
  DirectTcpip d;
  if (!parse_direct_tcpip(extra, d)) return malformed("malformed direct-tcpip open");
  const monproto::Grant& g = ctx_.settings.grant;
  if (!g.local_forwarding || d.port == 0 || d.port > 65535 ||
      !open_permitted(g.admin_permit_open, d.host, d.port) ||
      !open_permitted(g.permit_open, d.host, d.port))
    return prohibited();
  int gai = 0;
  auto addrs = resolve(d.host, d.port, false, gai);
  if (addrs.empty())
    return refused(OpenFailure::kConnectFailed, gai != 0 ? gai_strerror(gai) : "no address");
  auto b = std::make_unique<SocketBackend>(sink, std::move(addrs));
  if (b->failed()) return refused(OpenFailure::kConnectFailed, "connect failed");
  ChannelCore::Opened r;
  r.backend = std::move(b);
  return r;
}

ChannelCore::Opened Forwarding::open_direct_streamlocal(ChannelSink& sink, wire::Bytes extra) {
  std::string path;
  if (!parse_direct_streamlocal(extra, path)) return malformed("malformed direct-streamlocal open");
  if (!ctx_.settings.grant.streamlocal_local) return prohibited();
  ConnectAddress a;
  if (!unix_address(path, a)) return prohibited();
  auto b = std::make_unique<SocketBackend>(sink, std::vector<ConnectAddress>{a});
  if (b->failed()) return refused(OpenFailure::kConnectFailed, "connect failed");
  ChannelCore::Opened r;
  r.backend = std::move(b);
  return r;
}

// ---- ssh -R (TCP) -------------------------------------------------------------

ChannelCore::GlobalReply Forwarding::tcpip_forward(wire::Bytes body) {
  TcpipForward f;
  if (!parse_tcpip_forward(body, f)) return global(Reply::kProtocolError, "malformed tcpip-forward");
  const monproto::Grant& g = ctx_.settings.grant;
  if (!g.remote_forwarding || f.port > 65535 || privileged_port_refused(f.port, ctx_.user.uid) ||
      !listen_permitted(g.admin_permit_listen, f.address, f.port) ||
      !listen_permitted(g.permit_listen, f.address, f.port) ||
      tcp_.size() + unix_.size() >= kMaxRemoteForwards)
    return global(Reply::kFailure);
  const BindTarget where = bind_target(static_cast<GatewayPorts>(g.gateway_ports), f.address);
  int gai = 0;
  auto addrs = resolve(where.host, f.port, where.wildcard, gai);
  if (addrs.empty()) return global(Reply::kFailure);
  uint32_t port = f.port;
  Remote remote;
  for (auto& a : addrs) {
    // Port 0: the kernel picks one for the first address; the others
    // (the other address family) take the same.
    if (port != 0) {
      if (a.addr.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&a.addr)->sin_port = htons(static_cast<uint16_t>(port));
      if (a.addr.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&a.addr)->sin6_port = htons(static_cast<uint16_t>(port));
    }
    proc::UniqueFd s(socket(a.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s) continue;
    const int one = 1;
    setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a.addr.ss_family == AF_INET6) setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(s.get(), reinterpret_cast<sockaddr*>(&a.addr), a.len) != 0 || listen(s.get(), 128) != 0)
      continue;
    if (port == 0) port = bound_port(s.get());
    const std::string address = f.address;
    remote.ids.push_back(listeners_.add(std::move(s), [this, address, port](int fd) {
      accept_tcp(fd, address, port);
    }));
  }
  if (remote.ids.empty()) return global(Reply::kFailure);
  if (auto old = tcp_.find({f.address, port}); old != tcp_.end()) {
    for (auto id : remote.ids) listeners_.remove(id);
    return global(Reply::kFailure);  // already forwarded
  }
  tcp_[{f.address, port}] = std::move(remote);
  auto r = global(Reply::kSuccess);
  if (f.port == 0) r.data = allocated_port_reply(static_cast<uint16_t>(port));
  return r;
}

ChannelCore::GlobalReply Forwarding::cancel_tcpip_forward(wire::Bytes body) {
  TcpipForward f;
  if (!parse_tcpip_forward(body, f)) return global(Reply::kProtocolError, "malformed cancel-tcpip-forward");
  auto it = tcp_.find({f.address, f.port});
  if (it == tcp_.end()) return global(Reply::kFailure);
  for (auto id : it->second.ids) listeners_.remove(id);
  tcp_.erase(it);
  return global(Reply::kSuccess);
}

void Forwarding::accept_tcp(int listen_fd, const std::string& address, uint32_t port) {
  proc::UniqueFd c(accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!c) return;
  const proc::SocketAddress peer = proc::peer_address(c.get());
  const auto data = forwarded_tcpip_data(address, port, peer.text, peer.port);
  // At the channel limit the connection is dropped: c closes here.
  core_.open("forwarded-tcpip", data, [&c](ChannelSink& sink) {
    return std::make_unique<SocketBackend>(sink, std::move(c));
  });
}

// ---- ssh -R (unix sockets) --------------------------------------------------

ChannelCore::GlobalReply Forwarding::streamlocal_forward(wire::Bytes body) {
  std::string path;
  if (!parse_streamlocal_forward(body, path))
    return global(Reply::kProtocolError, "malformed streamlocal-forward");
  const monproto::Grant& g = ctx_.settings.grant;
  ConnectAddress a;
  if (!g.streamlocal_remote || unix_.count(path) != 0 || !unix_address(path, a) ||
      tcp_.size() + unix_.size() >= kMaxRemoteForwards)
    return global(Reply::kFailure);
  proc::UniqueFd s(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!s) return global(Reply::kFailure);
  // StreamLocalBindUnlink: a stale socket left by an earlier login is
  // replaced; only a socket, never a file the user keeps there.
  struct stat st{};
  if (g.streamlocal_bind_unlink && lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
    unlink(path.c_str());
  // StreamLocalBindMask applies to the socket file bind() creates.
  const mode_t old = umask(static_cast<mode_t>(g.streamlocal_bind_mask & 0777));
  const bool bound = bind(s.get(), reinterpret_cast<sockaddr*>(&a.addr), a.len) == 0;
  umask(old);
  if (!bound || listen(s.get(), 128) != 0) return global(Reply::kFailure);
  Remote remote;
  remote.ids.push_back(listeners_.add(std::move(s), [this, path](int fd) { accept_unix(fd, path); }));
  unix_[path] = std::move(remote);
  return global(Reply::kSuccess);
}

ChannelCore::GlobalReply Forwarding::cancel_streamlocal_forward(wire::Bytes body) {
  std::string path;
  if (!parse_streamlocal_forward(body, path))
    return global(Reply::kProtocolError, "malformed cancel-streamlocal-forward");
  auto it = unix_.find(path);
  if (it == unix_.end()) return global(Reply::kFailure);
  for (auto id : it->second.ids) listeners_.remove(id);
  unlink(path.c_str());
  unix_.erase(it);
  return global(Reply::kSuccess);
}

void Forwarding::accept_unix(int listen_fd, const std::string& path) {
  proc::UniqueFd c(accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!c) return;
  const auto data = forwarded_streamlocal_data(path);
  core_.open("forwarded-streamlocal@openssh.com", data, [&c](ChannelSink& sink) {
    return std::make_unique<SocketBackend>(sink, std::move(c));
  });
}

}  // namespace lpsshd::postauth
