// A "session" channel (RFC 4254 6): the requests that set it up (pty-req,
// env) and the one that starts what it runs (shell, exec, subsystem). What
// runs is a backend of its own: the user's process (postauth/process_backend.h)
// or a subsystem served in this process; the session forwards the channel's
// data and later requests to it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "postauth/channel_backend.h"
#include "postauth/process_backend.h"
#include "postauth/session_context.h"

namespace lpsshd::postauth {

inline constexpr size_t kMaxEnvPerSession = 64;

class SessionBackend final : public ChannelBackend {
 public:
  SessionBackend(ChannelSink& sink, SessionContext& ctx) : sink_(sink), ctx_(ctx) {}
  ~SessionBackend() override;

  size_t input(std::span<const uint8_t> bytes) override;
  void input_eof() override;
  Reply request(std::string_view type, wire::Bytes body, std::string& why) override;
  void pump() override;
  void add_pollfds(std::vector<pollfd>& fds, bool input_pending, bool can_output) override;
  void on_poll(std::span<const pollfd> mine) override;
  bool on_exit(pid_t pid, int status) override;

 private:
  Reply req_pty(wire::Bytes body, std::string& why);
  Reply req_env(wire::Bytes body, std::string& why);
  Reply req_subsystem(wire::Bytes body, std::string& why);
  // internal-sftp, served in this process: `command` is its command line
  // (options as sftp-server's).
  bool start_sftp(const std::string& command);
  // Starts the session: the forced command (the grant's, from ForceCommand
  // or the key's command=) runs instead of whatever the client asked, which
  // it finds in SSH_ORIGINAL_COMMAND.
  bool start(std::optional<std::string> command, bool shell);

  ChannelSink& sink_;
  SessionContext& ctx_;
  std::optional<PtyState> pty_;        // until the process starts
  std::vector<std::string> env_;       // accepted by AcceptEnv, "NAME=value"
  bool client_eof_ = false;
  std::unique_ptr<ChannelBackend> running_;
};

}  // namespace lpsshd::postauth
