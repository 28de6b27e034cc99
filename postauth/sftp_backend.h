// internal-sftp behind a session channel: the channel's bytes go to the
// in-process SFTP server (postauth/sftp_server.h) and its replies back, as
// the client's window allows. While the server holds a full reply backlog
// it takes no more input, so the window stops reopening and the client
// waits: memory stays bounded by the server's bounds, whatever the client
// pipelines. The client's EOF ends the server (as it ends sftp-server):
// the replies already made are sent, then exit-status 0 and CLOSE.
#pragma once

#include <memory>

#include "postauth/channel_backend.h"
#include "postauth/sftp_server.h"

namespace lpsshd::postauth {

class SftpBackend final : public ChannelBackend {
 public:
  SftpBackend(ChannelSink& sink, std::unique_ptr<sftp::SftpServer> server)
      : sink_(sink), server_(std::move(server)) {}

  size_t input(std::span<const uint8_t> bytes) override;
  void input_eof() override;
  void pump() override;
  void add_pollfds(std::vector<pollfd>&, bool, bool) override {}
  void on_poll(std::span<const pollfd>) override {}

 private:
  void finish_if_done();

  ChannelSink& sink_;
  std::unique_ptr<sftp::SftpServer> server_;
  bool client_eof_ = false, finished_ = false;
};

}  // namespace lpsshd::postauth
