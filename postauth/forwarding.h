// TCP and unix-socket forwarding for one connection (RFC 4254 7, OpenSSH
// PROTOCOL 2.4): the direct-tcpip and direct-streamlocal@openssh.com
// channel kinds (ssh -L, ssh -D), and the tcpip-forward and
// streamlocal-forward@openssh.com global requests with their cancels
// (ssh -R), whose listeners open forwarded-* channels.
//
// Every socket is made here, by this process, as the user: the kernel's
// checks are the user's. On top, the grant (postauth/forwarding_policy.h):
// a kind not granted is refused (OPEN_ADMINISTRATIVELY_PROHIBITED or
// REQUEST_FAILURE), and so is a port below 1024 for a non-root user.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "postauth/channels.h"
#include "postauth/listeners.h"
#include "postauth/session_context.h"

namespace lpsshd::postauth {

// Remote forwards (listeners) one connection may hold at once.
inline constexpr size_t kMaxRemoteForwards = 64;

class Forwarding {
 public:
  // core, listeners and ctx must outlive this object.
  Forwarding(ChannelCore& core, Listeners& listeners, SessionContext& ctx);
  ~Forwarding();
  Forwarding(const Forwarding&) = delete;
  Forwarding& operator=(const Forwarding&) = delete;

  // Registers the channel kinds and global requests with the core.
  void register_with_core();

 private:
  ChannelCore::Opened open_direct_tcpip(ChannelSink& sink, wire::Bytes extra);
  ChannelCore::Opened open_direct_streamlocal(ChannelSink& sink, wire::Bytes extra);
  ChannelCore::GlobalReply tcpip_forward(wire::Bytes body);
  ChannelCore::GlobalReply cancel_tcpip_forward(wire::Bytes body);
  ChannelCore::GlobalReply streamlocal_forward(wire::Bytes body);
  ChannelCore::GlobalReply cancel_streamlocal_forward(wire::Bytes body);
  void accept_tcp(int listen_fd, const std::string& address, uint32_t port);
  void accept_unix(int listen_fd, const std::string& path);

  // One remote forward: the listeners it bound (one per local address).
  struct Remote {
    std::vector<Listeners::Id> ids;
  };
  ChannelCore& core_;
  Listeners& listeners_;
  SessionContext& ctx_;
  std::map<std::pair<std::string, uint32_t>, Remote> tcp_;  // as requested (address, port)
  std::map<std::string, Remote> unix_;                       // by path
};

}  // namespace lpsshd::postauth
