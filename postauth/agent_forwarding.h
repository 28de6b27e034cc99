// Agent forwarding (OpenSSH PROTOCOL 4.1, ssh -A): after a session's
// auth-agent-req@openssh.com, a listening unix socket in a private
// directory (/tmp/ssh-XXXXXXXXXX/agent.PID, the directory 0700 and, since
// this process is the user, owned by the user) stands for the client's
// agent; SSH_AUTH_SOCK names it to processes started afterwards, and each
// connection to it becomes an auth-agent@openssh.com channel. Socket and
// directory go when the connection ends.
#pragma once

#include <optional>
#include <string>

#include "postauth/channels.h"
#include "postauth/listeners.h"

namespace lpsshd::postauth {

class AgentForwarding {
 public:
  AgentForwarding(ChannelCore& core, Listeners& listeners) : core_(core), listeners_(listeners) {}
  ~AgentForwarding();
  AgentForwarding(const AgentForwarding&) = delete;
  AgentForwarding& operator=(const AgentForwarding&) = delete;

  // Creates the socket on the first request of the connection (later ones
  // reuse it). False if it could not be made. The caller checks the grant.
  bool start();
  // The socket's path once started: SSH_AUTH_SOCK.
  const std::optional<std::string>& socket_path() const { return path_; }

 private:
  void accept_one(int listen_fd);

  ChannelCore& core_;
  Listeners& listeners_;
  std::optional<std::string> path_;
  std::string dir_;
  Listeners::Id id_ = 0;
};

}  // namespace lpsshd::postauth
