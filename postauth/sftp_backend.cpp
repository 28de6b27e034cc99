#include "postauth/sftp_backend.h"

#include <algorithm>

#include "wire/writer.h"

namespace lpsshd::postauth {

size_t SftpBackend::input(std::span<const uint8_t> bytes) {
  if (finished_) return bytes.size();  // nobody will answer: dropped
  if (!server_->wants_input()) return 0;
  server_->input(bytes);
  pump();
  return bytes.size();
}

void SftpBackend::input_eof() {
  client_eof_ = true;
  pump();
}

void SftpBackend::pump() {
  if (finished_) return;
  transport::ByteQueue& out = server_->output();
  while (!out.empty()) {
    const size_t room = sink_.room();
    if (room == 0) break;
    const auto piece = out.front();
    const size_t n = std::min(room, piece.size());
    sink_.data(piece.first(n));
    out.consume(n);
    // Replies sent may let the server serve what it held back.
    if (out.empty() && server_->wants_input()) server_->input({});
  }
  finish_if_done();
}

void SftpBackend::finish_if_done() {
  // A protocol error ends the channel at once (what is queued may be
  // half a reply); the client's EOF once every reply is out.
  const bool done = server_->failed() || (client_eof_ && server_->output().empty());
  if (!done) return;
  finished_ = true;
  sink_.eof();
  wire::Writer status;
  status.u32(server_->failed() ? 1 : 0);
  sink_.request("exit-status", status.bytes());
  sink_.close();
}

}  // namespace lpsshd::postauth
